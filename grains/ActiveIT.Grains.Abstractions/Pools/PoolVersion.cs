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

/// <summary>
/// Who changes a pool and why (recorded with the version the change makes), and the terms of the write: the caller's
/// role, the version it expects the pool to be at, and its idempotency key.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.ChangeNote")]
public sealed record ChangeNote(string Origin, string? Who = null, string? Reason = null)
{
    /// <summary>The writer's role as the API authenticated it; null for an in-process writer (the embedded host's user
    /// owns its data), which pool access does not restrict.</summary>
    [Id(3)]
    public Access.Role? Role { get; init; }

    /// <summary>Apply only if the pool is still at this version (<c>If-Match</c>), else <see cref="PoolVersionConflictException"/>.</summary>
    [Id(4)]
    public long? IfVersion { get; init; }

    /// <summary>A retry with the same key (and the same request) gets the first write's outcome instead of applying again.</summary>
    [Id(5)]
    public string? IdempotencyKey { get; init; }

    public static ChangeNote For(string origin, PoolWrite? write, string? reason = null) => new(origin, write?.Who, reason)
    {
        Role = write?.Role,
        IfVersion = write?.IfVersion,
        IdempotencyKey = write?.IdempotencyKey,
    };
}

/// <summary>
/// Who writes a pool and on what terms, as a client states them: <see cref="Who"/> for the history; <see cref="Role"/>
/// when the write came through the API (pool access applies); <see cref="IfVersion"/> to apply it only at that version;
/// <see cref="IdempotencyKey"/> so a retry returns the first outcome.
/// </summary>
public sealed record PoolWrite(string? Who = null, Access.Role? Role = null, long? IfVersion = null, string? IdempotencyKey = null);
