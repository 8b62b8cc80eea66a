using System.Runtime.CompilerServices;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Grains.Pools;

/// <summary><see cref="IPoolService"/> over grains: used in-process by the embedded client and by the silo.</summary>
public sealed class PoolService(IGrainFactory grains) : IPoolService
{
    private const int Parallelism = 8;
    private const int Page = 1000;

    /// <summary>A task read that failed (its grain's silo died mid-call) is tried this many times in all.</summary>
    private const int ReadAttempts = 4;

    public async Task<ImportSummary> ImportAsync(string pool, IReadOnlyList<InstructionTask> tasks, string origin, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default, PoolWrite? write = null)
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
        var summary = await Pool(pool).AddOrUpdateAsync(members, ChangeNote.For(origin, write));
        await Catalog.NoteAsync(grains, c => c.AddPoolAsync(pool));
        return summary;
    }

    public Task<PoolVersion?> RemoveAsync(string pool, IReadOnlyList<string> taskIds, string reason, PoolWrite? write = null, CancellationToken cancellationToken = default)
    {
        ValidatePoolName(pool);
        if (taskIds.Count == 0)
        {
            throw new ArgumentException("name at least one task to remove");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("reason: say why the tasks are removed (it is kept with the version)");
        }
        return Pool(pool).RemoveAsync(taskIds, ChangeNote.For("remove", write, reason.Trim()));
    }

    public Task<PoolAccess> GetAccessAsync(string pool, CancellationToken cancellationToken = default) => Pool(pool).GetAccessAsync();

    public Task<PoolAccess> SetAccessAsync(string pool, string? owner, IReadOnlyList<string> editors, PoolWrite? write = null,
        CancellationToken cancellationToken = default)
    {
        ValidatePoolName(pool);
        return Pool(pool).SetAccessAsync(owner, editors, ChangeNote.For("access", write));
    }

    public async Task<bool> DeleteAsync(string pool, CancellationToken cancellationToken = default)
    {
        ValidatePoolName(pool);
        var grain = Pool(pool);
        if ((await grain.GetStatsAsync()).Version == 0 && (await grain.GetAccessAsync()).Owner is null)
        {
            return false;
        }
        // Runs read their pinned version in every round, resume and re-run (experiments made before pins: the head).
        var readers = new List<string>();
        foreach (var name in await grains.GetGrain<IRunRegistryGrain>(IRunRegistryGrain.Key(RunKinds.Curriculum)).ListAsync())
        {
            if (await grains.GetGrain<ICurriculumGrain>(name).GetAsync() is { } experiment
                && (experiment.Config.Pins.Any(p => p.Pool == pool) || experiment.Config.Pool == pool || experiment.Config.Evaluation.Pool == pool))
            {
                readers.Add(name);
            }
        }
        foreach (var outPool in await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListTransfersAsync())
        {
            if ((await grains.GetGrain<Transfer.ITransferRunGrain>(outPool).GetAsync()).Spec?.SourcePool == pool)
            {
                readers.Add($"transfer {outPool}");
            }
        }
        foreach (var name in await grains.GetGrain<IRunRegistryGrain>(IRunRegistryGrain.Key(RunKinds.Scoring)).ListAsync())
        {
            if (await grains.GetGrain<IRunGrain>(RunKinds.Id(RunKinds.Scoring, name)).GetAsync() is { } run
                && System.Text.Json.JsonDocument.Parse(run.Config).RootElement.TryGetProperty("pool", out var read) && read.GetString() == pool)
            {
                readers.Add($"scoring {name}");
            }
        }
        if (readers.Count > 0)
        {
            throw new PoolPinnedException(pool, readers);
        }
        await grain.DeleteAsync();
        await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).RemovePoolAsync(pool);
        return true;
    }

    public Task<IReadOnlyList<PoolMember>> ListAsync(string pool, int offset, int limit, CancellationToken cancellationToken = default, long? version = null) =>
        version is { } v ? Pool(pool).ListAtAsync(v, offset, limit) : Pool(pool).ListAsync(offset, limit);

    public async Task<InstructionTask?> GetTaskAsync(string pool, string taskId, CancellationToken cancellationToken = default, long? version = null) =>
        await (version is { } v ? Pool(pool).GetMemberAtAsync(taskId, v) : Pool(pool).GetMemberAsync(taskId)) is { } member
            ? await grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync()
            : null;

    public Task<PoolStats> GetStatsAsync(string pool, CancellationToken cancellationToken = default, long? version = null) =>
        version is { } v ? Pool(pool).GetStatsAtAsync(v) : Pool(pool).GetStatsAsync();

    public Task<IReadOnlyList<PoolVersion>> GetHistoryAsync(string pool, CancellationToken cancellationToken = default) => Pool(pool).GetHistoryAsync();

    public Task<PoolDiff> DiffAsync(string pool, long from, long to, CancellationToken cancellationToken = default) => Pool(pool).DiffAsync(from, to);

    public async Task<PoolExport> ExportAsync(string pool, long? version = null, CancellationToken cancellationToken = default)
    {
        // One version, fixed now: pages of a list that changes under the export would repeat or skip tasks.
        var at = await Pool(pool).ResolveAsync(version);
        var count = (await Pool(pool).GetStatsAtAsync(at)).Tasks;
        return new PoolExport(pool, at, count, TasksAsync(pool, at, cancellationToken));
    }

    private async IAsyncEnumerable<InstructionTask> TasksAsync(string pool, long version, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += Page)
        {
            var members = await Pool(pool).ListAtAsync(version, offset, Page);
            foreach (var member in members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return await ReadAsync(pool, member, cancellationToken);
            }
            if (members.Count < Page)
            {
                yield break;
            }
        }
    }

    /// <summary>A member's content; a read cut by a failover (its grain's silo died) is tried again on the survivors.</summary>
    private async Task<InstructionTask> ReadAsync(string pool, PoolMember member, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync()
                    ?? throw new InvalidOperationException($"pool '{pool}': task '{member.TaskId}' ({member.ContentHash}) has no stored content");
            }
            catch (Exception e) when (attempt < ReadAttempts && e is TimeoutException or OrleansException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
        }
    }

    private ITaskPoolGrain Pool(string pool) => grains.GetGrain<ITaskPoolGrain>(pool);

    public static void ValidatePoolName(string pool)
    {
        if (!NameRule.IsValid(pool))
        {
            throw new ArgumentException($"invalid pool name '{pool}': use 1–100 letters, digits, '-', '_' or '.'");
        }
    }
}
