namespace ActiveIT.Grains.Curriculum;

/// <summary>The prompt-uncertainty scorer (methods.md §1); with the model version it keys the pool's cached scores.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ScoringSpec")]
public sealed record ScoringSpec
{
    [Id(0)]
    public int Instances { get; init; } = 10;
    [Id(1)]
    public int Perturbations { get; init; } = 10;
    [Id(2)]
    public double DropProbability { get; init; } = 0.2;
    [Id(3)]
    public ulong Seed { get; init; }
    [Id(4)]
    public int MaxNewTokens { get; init; } = OriginalMaxNewTokens;

    /// <summary>The original caps the greedy reference outputs at 128 tokens (methods.md §1); less is a scale deviation.</summary>
    public const int OriginalMaxNewTokens = ActiveIT.Core.Uncertainty.PaperScoring.MaxNewTokens;

    public IEnumerable<string> Validate()
    {
        if (Instances < 1)
        {
            yield return "scoring.instances: must be at least 1";
        }
        if (Perturbations < 1)
        {
            yield return "scoring.perturbations: must be at least 1";
        }
        if (DropProbability is < 0 or > 1)
        {
            yield return "scoring.drop_probability: must be within 0-1";
        }
        if (MaxNewTokens is < 1 or > 4096)
        {
            yield return "scoring.max_new_tokens: must be 1-4096";
        }
    }
}
