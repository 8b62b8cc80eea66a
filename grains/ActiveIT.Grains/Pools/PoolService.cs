using System.Runtime.CompilerServices;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary><see cref="IPoolService"/> over grains: used in-process by the embedded client and by the silo.</summary>
public sealed class PoolService(IGrainFactory grains) : IPoolService
{
    private const int Parallelism = 8;
    private const int Page = 1000;

    public async Task<ImportSummary> ImportAsync(string pool, IReadOnlyList<InstructionTask> tasks, string origin, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ValidatePoolName(pool);
        var duplicate = tasks.GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"task id '{duplicate.Key}' appears {duplicate.Count()} times in this import; nothing was imported");
        }
        var members = new PoolMember[tasks.Count];
        var stored = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, tasks.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                members[i] = PoolMember.Of(tasks[i]);
                await grains.GetGrain<ITaskGrain>(members[i].ContentHash).StoreAsync(tasks[i]);
                progress?.Report(Interlocked.Increment(ref stored));
            });
        // The commit point: until this one write, the pool is exactly as it was.
        cancellationToken.ThrowIfCancellationRequested();
        var summary = await grains.GetGrain<ITaskPoolGrain>(pool).AddOrUpdateAsync(members, origin);
        await Catalog.NoteAsync(grains, c => c.AddPoolAsync(pool));
        return summary;
    }

    public Task<IReadOnlyList<PoolMember>> ListAsync(string pool, int offset, int limit, CancellationToken cancellationToken = default) =>
        grains.GetGrain<ITaskPoolGrain>(pool).ListAsync(offset, limit);

    public async Task<InstructionTask?> GetTaskAsync(string pool, string taskId, CancellationToken cancellationToken = default) =>
        await grains.GetGrain<ITaskPoolGrain>(pool).GetMemberAsync(taskId) is { } member
            ? await grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync()
            : null;

    public Task<PoolStats> GetStatsAsync(string pool, CancellationToken cancellationToken = default) => grains.GetGrain<ITaskPoolGrain>(pool).GetStatsAsync();

    public async IAsyncEnumerable<InstructionTask> ExportAsync(string pool, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var offset = 0; ; offset += Page)
        {
            var members = await ListAsync(pool, offset, Page, cancellationToken);
            foreach (var member in members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return await grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync()
                    ?? throw new InvalidOperationException($"pool '{pool}': task '{member.TaskId}' ({member.ContentHash}) has no stored content");
            }
            if (members.Count < Page)
            {
                yield break;
            }
        }
    }

    public static void ValidatePoolName(string pool)
    {
        if (!NameRule.IsValid(pool))
        {
            throw new ArgumentException($"invalid pool name '{pool}': use 1–100 letters, digits, '-', '_' or '.'");
        }
    }
}
