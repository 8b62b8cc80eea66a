namespace ActiveIT.Grains.Pools;

/// <summary>A member set (or removed, when <see cref="Member"/> is null) by the pool change of <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PageChange")]
public sealed record PageChange(string TaskId, PoolMember? Member, long Version);
