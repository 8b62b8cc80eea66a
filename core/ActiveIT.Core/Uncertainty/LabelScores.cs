namespace ActiveIT.Core.Uncertainty;

/// <summary>
/// How the model meets a task's reference labels (each scored instance's first output, EOS included):
/// <see cref="LabelLoss"/> = mean over instances of the label's per-token negative log-likelihood after the unperturbed
/// prompt (a label-aware task-map axis: wrong or noisy labels cost more than the model's own answers); <see cref="Ifd"/>
/// = mean over instances of PPL(label | prompt) / PPL(label alone), the instruction-following difficulty of Cherry-LLM
/// (Li et al., NAACL 2024): below 1 the instruction helps predict the label, near or above 1 it does not.
/// </summary>
public sealed record LabelScores(double LabelLoss, double Ifd, int Instances)
{
    /// <param name="withPrompt">Per instance: the label's log-probability sum and token count after the prompt.</param>
    /// <param name="alone">The same labels after the beginning-of-sequence token only.</param>
    public static LabelScores Compute(IReadOnlyList<(double LogProbSum, int Tokens)> withPrompt, IReadOnlyList<(double LogProbSum, int Tokens)> alone)
    {
        if (withPrompt.Count == 0 || alone.Count != withPrompt.Count)
        {
            throw new ArgumentException("need at least one label, scored both with and without its prompt");
        }
        double loss = 0, ifd = 0;
        for (var i = 0; i < withPrompt.Count; i++)
        {
            var conditional = Nll(withPrompt[i]);
            loss += conditional;
            ifd += Math.Exp(conditional - Nll(alone[i]));  // exp(NLL|x) / exp(NLL)
        }
        return new LabelScores(loss / withPrompt.Count, ifd / withPrompt.Count, withPrompt.Count);
    }

    private static double Nll((double LogProbSum, int Tokens) score) =>
        score.Tokens > 0 ? -score.LogProbSum / score.Tokens : throw new ArgumentException("a scored label has no tokens (EOS must be included)");
}
