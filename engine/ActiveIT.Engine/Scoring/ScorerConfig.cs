namespace ActiveIT.Engine.Scoring;

/// <summary>
/// Prompt-uncertainty settings (methods.md §1 defaults: 10 instances, 10 perturbations, word drop 0.2, reference outputs
/// up to 128 tokens). Part of every cache key. <paramref name="AnswerRoom"/>: the tokens every prompt leaves for its
/// answer (null: <paramref name="MaxNewTokens"/>), so a curriculum scores with the prompts it trains on.
/// </summary>
public sealed record ScorerConfig(int Instances = 10, int Perturbations = 10, double DropProbability = 0.2, ulong Seed = 0,
    int MaxNewTokens = ScorerConfig.OriginalMaxNewTokens, int? AnswerRoom = null)
{
    /// <summary>What prompts leave for the answer: never less than <see cref="MaxNewTokens"/>, so a reference output is
    /// never stopped by the context's end (which would make it depend on the prompts it is batched with).</summary>
    public int AnswerTokens => Math.Max(MaxNewTokens, AnswerRoom ?? MaxNewTokens);

    /// <summary>The original's cap on the greedy reference outputs y_i.</summary>
    public const int OriginalMaxNewTokens = ActiveIT.Core.Uncertainty.PaperScoring.MaxNewTokens;

    /// <summary>Where these settings differ from the original's.</summary>
    public IReadOnlyList<ActiveIT.Core.ScaleDeviation> ScaleDeviations() =>
        ActiveIT.Core.Uncertainty.PaperScoring.Deviations(Instances, Perturbations, DropProbability, MaxNewTokens);

    /// <summary>
    /// The scorer's version leads the key, so scores computed another way are never reused: "pu:" pooled perplexity over
    /// all tokens; "pu-v2" a mean of per-instance perplexities, but through a server it dropped EOS and a first output
    /// token that carried the prompt's space; "pu-v3" scores exactly the output span and EOS everywhere (methods.md §1), but
    /// generation cut a long prompt's head that scoring kept; "pu-v4" generates and scores from one built prompt; "pu-v5"
    /// also scores the reference labels (label loss, IFD).
    /// </summary>
    public override string ToString() =>
        $"pu-v5:n={Instances},k={Perturbations},p={DropProbability.ToString(System.Globalization.CultureInfo.InvariantCulture)},seed={Seed},max_new={MaxNewTokens}"
        + (AnswerTokens != MaxNewTokens ? $",answer={AnswerTokens}" : "");
}
