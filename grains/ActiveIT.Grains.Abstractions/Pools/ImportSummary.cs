namespace ActiveIT.Grains.Pools;

/// <summary>What an add/update did to a pool: counts by outcome and the pool version it produced.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ImportSummary")]
public sealed record ImportSummary(int Added, int Updated, int Unchanged, long PoolVersion, int PoolTasks);
