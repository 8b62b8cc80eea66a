namespace ActiveIT.Grains.Pools;

/// <summary>A pool the cluster has imported into, and the (model, scorer) pairs it holds cached scores for.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolEntry")]
public sealed record PoolEntry(string Pool, DateTimeOffset FirstImport, IReadOnlyList<ScoreKey> ScoreKeys);
