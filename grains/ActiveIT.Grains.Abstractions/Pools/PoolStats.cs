namespace ActiveIT.Grains.Pools;

/// <summary>Counts over a pool's members; by category, source collection and format.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolStats")]
public sealed record PoolStats(string Pool, long Version, int Tasks, long Instances, double MeanInstancesPerTask,
    IReadOnlyDictionary<string, int> TasksByCategory, IReadOnlyDictionary<string, int> TasksBySource, IReadOnlyDictionary<string, int> TasksByFormat);
