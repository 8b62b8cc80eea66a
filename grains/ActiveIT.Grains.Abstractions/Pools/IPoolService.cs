using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary>
/// Pool operations as clients see them: one contract for the embedded host, the silo's HTTP API and the remote client.
/// Reads take a version (null: the head); each change makes a new version (<see cref="PoolVersion"/>), and every
/// version since the pool's history began can be read.
/// </summary>
public interface IPoolService
{
    /// <summary>
    /// Adds or updates tasks in a pool, all or nothing: task contents are stored first, then the pool's membership
    /// changes in one write. Task ids must be unique within the call. <paramref name="write"/>: who writes, and on what
    /// terms (expected version, idempotency key).
    /// </summary>
    Task<ImportSummary> ImportAsync(string pool, IReadOnlyList<InstructionTask> tasks, string origin, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default, PoolWrite? write = null);

    /// <summary>Removes tasks as one new version that records why; null when none of them was a member.</summary>
    Task<PoolVersion?> RemoveAsync(string pool, IReadOnlyList<string> taskIds, string reason, PoolWrite? write = null, CancellationToken cancellationToken = default);

    Task<PoolAccess> GetAccessAsync(string pool, CancellationToken cancellationToken = default);

    /// <summary>Sets a pool's owner (null: unchanged) and editors; its owner or an admin may.</summary>
    Task<PoolAccess> SetAccessAsync(string pool, string? owner, IReadOnlyList<string> editors, PoolWrite? write = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a pool (membership, history, access); false when it did not exist. Refused with
    /// <see cref="PoolPinnedException"/> while an experiment reads it.
    /// </summary>
    Task<bool> DeleteAsync(string pool, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoolMember>> ListAsync(string pool, int offset, int limit, CancellationToken cancellationToken = default, long? version = null);

    Task<InstructionTask?> GetTaskAsync(string pool, string taskId, CancellationToken cancellationToken = default, long? version = null);

    Task<PoolStats> GetStatsAsync(string pool, CancellationToken cancellationToken = default, long? version = null);

    /// <summary>Every version since the pool's history began, oldest first.</summary>
    Task<IReadOnlyList<PoolVersion>> GetHistoryAsync(string pool, CancellationToken cancellationToken = default);

    Task<PoolDiff> DiffAsync(string pool, long from, long to, CancellationToken cancellationToken = default);

    /// <summary>
    /// One version's tasks ordered by id (the head's when <paramref name="version"/> is null), fixed when the export
    /// opens: changes made while it streams are not in it. <see cref="PoolExport.Tasks"/> says how many will come.
    /// </summary>
    Task<PoolExport> ExportAsync(string pool, long? version = null, CancellationToken cancellationToken = default);
}

/// <summary>An export of one pool version: its number, how many tasks it has, and the tasks themselves.</summary>
public sealed record PoolExport(string Pool, long Version, int Count, IAsyncEnumerable<InstructionTask> Tasks);
