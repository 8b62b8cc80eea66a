namespace ActiveIT.Grains.Pools;

/// <summary>
/// One readable version of a pool: the change that made it (versions <see cref="FromVersion"/>+1 … <see cref="Version"/>,
/// one per task it touched), its counts, who and what made it, and why (removals say why).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolVersion")]
public sealed record PoolVersion(long Version, long FromVersion, int Added, int Updated, int Removed, int Tasks, string Origin, string? Who,
    string? Reason, DateTimeOffset At);

/// <summary>What differs between two versions of a pool: per task id, what it was and what it became (null hash: absent).</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolDiff")]
public sealed record PoolDiff(string Pool, long From, long To, IReadOnlyList<PoolDiffEntry> Changes)
{
    public int Added => Changes.Count(c => c.Kind == PoolChangeKind.Added);
    public int Updated => Changes.Count(c => c.Kind == PoolChangeKind.Updated);
    public int Removed => Changes.Count(c => c.Kind == PoolChangeKind.Removed);
}

[GenerateSerializer, Immutable, Alias("activeit.PoolDiffEntry")]
public sealed record PoolDiffEntry(string TaskId, PoolChangeKind Kind, string? FromHash, string? ToHash);

/// <summary>Who changes a pool and why: recorded with the version the change makes.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ChangeNote")]
public sealed record ChangeNote(string Origin, string? Who = null, string? Reason = null);
