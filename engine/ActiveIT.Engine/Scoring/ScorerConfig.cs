namespace ActiveIT.Engine.Scoring;

/// <summary>Prompt-uncertainty settings (methods.md §1 defaults: 10 instances, 10 perturbations, word drop 0.2). Part of every cache key.</summary>
public sealed record ScorerConfig(int Instances = 10, int Perturbations = 10, double DropProbability = 0.2, ulong Seed = 0, int MaxNewTokens = 64)
{
    /// <summary>
    /// The scorer's version leads the key: "pu-v2" computes task perplexity as the mean of per-instance perplexities
    /// (methods.md §1); scores cached as "pu:" pooled perplexity over all tokens and are never reused.
    /// </summary>
    public override string ToString() =>
        $"pu-v2:n={Instances},k={Perturbations},p={DropProbability.ToString(System.Globalization.CultureInfo.InvariantCulture)},seed={Seed},max_new={MaxNewTokens}";
}
