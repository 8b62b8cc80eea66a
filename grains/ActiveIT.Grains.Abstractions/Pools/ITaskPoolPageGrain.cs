namespace ActiveIT.Grains.Pools;

/// <summary>
/// One page of a pool's membership (key "POOL/PAGE"): the members whose task id hashes to this page. Only its pool
/// grain calls it. Entries carry the pool version that set them, so re-applying a change (after a crash) or a late,
/// older change never undoes a newer one; removals stay as tombstones for the same reason. Entries a newer change
/// replaced are kept, so any earlier version of the page can be read.
/// </summary>
[Alias("activeit.ITaskPoolPageGrain")]
public interface ITaskPoolPageGrain : IGrainWithStringKey
{
    /// <summary>The current members for these ids (null where absent), in order.</summary>
    [Alias("GetAsync")]
    Task<IReadOnlyList<PoolMember?>> GetAsync(IReadOnlyList<string> taskIds);

    /// <summary>Applies changes whose version is not older than what the page holds; idempotent.</summary>
    [Alias("ApplyAsync")]
    Task ApplyAsync(IReadOnlyList<PageChange> changes);

    [Alias("ListAsync")]
    Task<IReadOnlyList<PoolMember>> ListAsync();

    /// <summary>Forgets the page (its pool is being deleted).</summary>
    [Alias("ClearAsync")]
    Task ClearAsync();

    /// <summary>The members as they were at pool version <paramref name="version"/> (each id's latest entry not after it).</summary>
    [Alias("ListAtAsync")]
    Task<IReadOnlyList<PoolMember>> ListAtAsync(long version);

    [Alias("GetAtAsync")]
    Task<IReadOnlyList<PoolMember?>> GetAtAsync(IReadOnlyList<string> taskIds, long version);
}
