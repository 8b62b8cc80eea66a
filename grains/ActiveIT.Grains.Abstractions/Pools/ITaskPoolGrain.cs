namespace ActiveIT.Grains.Pools;

/// <summary>
/// A named pool of tasks: membership (task id → content hash), a change log and statistics. Membership changes are
/// one state write each, so a pool is always either before or after a change, never in between.
/// </summary>
public interface ITaskPoolGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes these members current (tasks must already be stored in their task grains). Members whose hash is
    /// unchanged count as unchanged; nothing else in the pool is touched.
    /// </summary>
    Task<ImportSummary> AddOrUpdateAsync(IReadOnlyList<PoolMember> members, string origin);

    /// <summary>Removes the named tasks; returns how many were members.</summary>
    Task<int> RemoveAsync(IReadOnlyList<string> taskIds, string origin);

    /// <summary>Members ordered by task id, a page at a time.</summary>
    Task<IReadOnlyList<PoolMember>> ListAsync(int offset, int limit);

    Task<PoolMember?> GetMemberAsync(string taskId);

    Task<PoolStats> GetStatsAsync();

    /// <summary>Changes after <paramref name="sinceVersion"/>, oldest first (the log keeps the most recent entries).</summary>
    Task<IReadOnlyList<PoolChange>> GetChangesAsync(long sinceVersion);
}
