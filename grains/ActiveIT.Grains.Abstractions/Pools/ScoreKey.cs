namespace ActiveIT.Grains.Pools;

/// <summary>What a cached score depends on besides the task: the model (id and version) and the scorer's config.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ScoreKey")]
public sealed record ScoreKey(string ModelId, string ModelVersion, string ScorerConfig)
{
    public override string ToString() => $"{ModelId}@{ModelVersion}/{ScorerConfig}";
}
