namespace ActiveIT.Grains.Pools;

/// <summary>One entry of a pool's change log: pool version after the change, what happened to which task, and which import did it.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolChange")]
public sealed record PoolChange(long Version, PoolChangeKind Kind, string TaskId, string? ContentHash, string Origin, DateTimeOffset At);
