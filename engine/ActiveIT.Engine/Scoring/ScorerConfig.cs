namespace ActiveIT.Engine.Scoring;

/// <summary>
/// Prompt-uncertainty settings (methods.md §1 defaults: 10 instances, 10 perturbations, word drop 0.2, reference outputs
/// up to 128 tokens). Part of every cache key.
/// </summary>
public sealed record ScorerConfig(int Instances = 10, int Perturbations = 10, double DropProbability = 0.2, ulong Seed = 0,
    int MaxNewTokens = ScorerConfig.OriginalMaxNewTokens)
{
    /// <summary>The original's cap on the greedy reference outputs y_i.</summary>
    public const int OriginalMaxNewTokens = ActiveIT.Core.Uncertainty.PaperScoring.MaxNewTokens;

    /// <summary>Where these settings differ from the original's.</summary>
    public IReadOnlyList<ActiveIT.Core.ScaleDeviation> ScaleDeviations() =>
        ActiveIT.Core.Uncertainty.PaperScoring.Deviations(Instances, Perturbations, DropProbability, MaxNewTokens);

    /// <summary>
    /// The scorer's version leads the key, so scores computed another way are never reused: "pu:" pooled perplexity over
    /// all tokens; "pu-v2" a mean of per-instance perplexities, but through a server it dropped EOS and a first output
    /// token that carried the prompt's space; "pu-v3" scores exactly the output span and EOS everywhere (methods.md §1).
    /// </summary>
    public override string ToString() =>
        $"pu-v3:n={Instances},k={Perturbations},p={DropProbability.ToString(System.Globalization.CultureInfo.InvariantCulture)},seed={Seed},max_new={MaxNewTokens}";
}
