namespace ActiveIT.Engine.Scoring;

/// <summary>Prompt-uncertainty settings (methods.md §1 defaults: 10 instances, 10 perturbations, word drop 0.2). Part of every cache key.</summary>
public sealed record ScorerConfig(int Instances = 10, int Perturbations = 10, double DropProbability = 0.2, ulong Seed = 0, int MaxNewTokens = 64)
{
    public override string ToString() =>
        $"pu:n={Instances},k={Perturbations},p={DropProbability.ToString(System.Globalization.CultureInfo.InvariantCulture)},seed={Seed},max_new={MaxNewTokens}";
}
