namespace ActiveIT.Core.Uncertainty;

/// <summary>
/// A task's scores (methods.md §1): prompt uncertainty PU = mean over instances i and perturbations j ≥ 1 of
/// |p[i,j] − p[i,0]|; prediction probability PP = mean of p[i,0]; perplexity = the plain mean over instances of each
/// instance's perplexity exp(mean per-token NLL of its greedy output under prompt 0, EOS included) — not one
/// perplexity pooled over all tokens, which weights long outputs more (the original code averages per instance).
/// </summary>
public sealed record UncertaintyScores(double PromptUncertainty, double PredictionProbability, double Perplexity, int Instances, int Perturbations)
{
    /// <summary>The same instances' reference labels under the model; null when none of them has a reference output.</summary>
    public LabelScores? Labels { get; init; }

    /// <summary>
    /// From per-(instance, prompt) log-likelihood sums and token counts of the greedy output y_i: column 0 is the
    /// unperturbed prompt. p[i,j] = exp(−mean per-token NLL) = exp(logProbSum / tokens).
    /// </summary>
    public static UncertaintyScores Compute(double[,] logProbSums, int[,] tokenCounts)
    {
        int n = logProbSums.GetLength(0), columns = logProbSums.GetLength(1);
        if (n == 0 || columns < 2 || tokenCounts.GetLength(0) != n || tokenCounts.GetLength(1) != columns)
        {
            throw new ArgumentException("need at least one instance, the unperturbed prompt and one perturbation, and matching shapes");
        }
        double uncertainty = 0, probability = 0, perplexity = 0;
        for (var i = 0; i < n; i++)
        {
            var p0 = Probability(logProbSums[i, 0], tokenCounts[i, 0]);
            probability += p0;
            perplexity += 1 / p0;  // exp(−logProbSum / tokens)
            for (var j = 1; j < columns; j++)
            {
                uncertainty += Math.Abs(Probability(logProbSums[i, j], tokenCounts[i, j]) - p0);
            }
        }
        return new UncertaintyScores(uncertainty / (n * (columns - 1)), probability / n, perplexity / n, n, columns - 1);
    }

    private static double Probability(double logProbSum, int tokens) =>
        tokens > 0 ? Math.Exp(logProbSum / tokens) : throw new ArgumentException("a scored output has no tokens (EOS must be included)");
}
