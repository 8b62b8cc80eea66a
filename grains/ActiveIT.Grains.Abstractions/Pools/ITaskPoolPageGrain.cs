namespace ActiveIT.Grains.Pools;

/// <summary>
/// One page of a pool's membership (key "POOL/PAGE"): the members whose task id hashes to this page. Only its pool
/// grain calls it. Entries carry the pool version that set them, so re-applying a change (after a crash) or a late,
/// older change never undoes a newer one; removals stay as tombstones for the same reason.
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
}

/// <summary>A member set (or removed, when <see cref="Member"/> is null) by the pool change of <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PageChange")]
public sealed record PageChange(string TaskId, PoolMember? Member, long Version);

[GenerateSerializer, Alias("activeit.TaskPoolPageState")]
public sealed class TaskPoolPageState
{
    [Id(0)]
    public Dictionary<string, PageChange> Entries { get; set; } = [];
}
