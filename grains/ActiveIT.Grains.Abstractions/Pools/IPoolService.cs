using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary>
/// Pool operations as clients see them: one contract for the embedded host, the silo's HTTP API and the remote client.
/// </summary>
public interface IPoolService
{
    /// <summary>
    /// Adds or updates tasks in a pool, all or nothing: task contents are stored first, then the pool's membership
    /// changes in one write. Task ids must be unique within the call.
    /// </summary>
    Task<ImportSummary> ImportAsync(string pool, IReadOnlyList<InstructionTask> tasks, string origin, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoolMember>> ListAsync(string pool, int offset, int limit, CancellationToken cancellationToken = default);

    Task<InstructionTask?> GetTaskAsync(string pool, string taskId, CancellationToken cancellationToken = default);

    Task<PoolStats> GetStatsAsync(string pool, CancellationToken cancellationToken = default);

    /// <summary>Every task of the pool, ordered by id.</summary>
    IAsyncEnumerable<InstructionTask> ExportAsync(string pool, CancellationToken cancellationToken = default);
}
