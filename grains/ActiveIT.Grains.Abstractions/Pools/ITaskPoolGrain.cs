namespace ActiveIT.Grains.Pools;

/// <summary>
/// A named pool of tasks: membership (task id → content hash), a change log and statistics. The membership lives in
/// page grains (<see cref="ITaskPoolPageGrain"/>, tasks spread over them by a hash of their id), so a change writes
/// the pool's small state and the pages it touches, whatever the pool's size. A change commits in one write of the
/// pool's state (which records it as pending); the pages are then brought up to date, and a pool grain that finds a
/// pending change on activation (its silo died in between) finishes applying it before anything reads the pool: a
/// pool is seen either before or after a change, never in between.
/// </summary>
[Alias("activeit.ITaskPoolGrain")]
public interface ITaskPoolGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes these members current (tasks must already be stored in their task grains). Members whose hash is
    /// unchanged count as unchanged; nothing else in the pool is touched. Writes check, in order: a keyed retry gets the
    /// first outcome; the caller may write (<see cref="PoolAccessException"/>); the expected version holds
    /// (<see cref="PoolVersionConflictException"/>).
    /// </summary>
    [Alias("AddOrUpdateAsync")]
    Task<ImportSummary> AddOrUpdateAsync(IReadOnlyList<PoolMember> members, ChangeNote note);

    /// <summary>Removes the named tasks (absent ones are ignored) as one new version; returns that version's record,
    /// or null when none was a member.</summary>
    [Alias("RemoveAsync")]
    Task<PoolVersion?> RemoveAsync(IReadOnlyList<string> taskIds, ChangeNote note);

    /// <summary>Who may write the pool.</summary>
    [Alias("GetAccessAsync")]
    Task<PoolAccess> GetAccessAsync();

    /// <summary>
    /// Sets the owner (null: keeps it) and the editors, as its owner or an admin (<see cref="ChangeNote.Role"/>; an
    /// in-process caller may too).
    /// </summary>
    [Alias("SetAccessAsync")]
    Task<PoolAccess> SetAccessAsync(string? owner, IReadOnlyList<string> editors, ChangeNote note);

    /// <summary>Forgets the pool: its membership, history and access (task contents stay: other pools may share them).
    /// Whether runs still pin it is for the caller to check first.</summary>
    [Alias("DeleteAsync")]
    Task DeleteAsync();

    /// <summary>
    /// The version a read of <paramref name="version"/> sees: the head when null; otherwise the version itself when it
    /// is readable (one a change ended at, or where the pool's history begins), else an <see cref="ArgumentException"/>
    /// saying which versions are.
    /// </summary>
    [Alias("ResolveAsync")]
    Task<long> ResolveAsync(long? version);

    /// <summary>Members of a readable version ordered by task id, a page at a time.</summary>
    [Alias("ListAtAsync")]
    Task<IReadOnlyList<PoolMember>> ListAtAsync(long version, int offset, int limit);

    [Alias("GetMemberAtAsync")]
    Task<PoolMember?> GetMemberAtAsync(string taskId, long version);

    [Alias("GetStatsAtAsync")]
    Task<PoolStats> GetStatsAtAsync(long version);

    /// <summary>Every version since the pool's history began, oldest first.</summary>
    [Alias("GetHistoryAsync")]
    Task<IReadOnlyList<PoolVersion>> GetHistoryAsync();

    [Alias("DiffAsync")]
    Task<PoolDiff> DiffAsync(long from, long to);

    /// <summary>Members ordered by task id, a page at a time.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<PoolMember>> ListAsync(int offset, int limit);

    [Alias("GetMemberAsync")]
    Task<PoolMember?> GetMemberAsync(string taskId);

    [Alias("GetStatsAsync")]
    Task<PoolStats> GetStatsAsync();

    /// <summary>Changes after <paramref name="sinceVersion"/>, oldest first (the log keeps the most recent entries).</summary>
    [Alias("GetChangesAsync")]
    Task<IReadOnlyList<PoolChange>> GetChangesAsync(long sinceVersion);
}
