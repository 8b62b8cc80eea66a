using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pool")]
public sealed class TaskPoolGrain([PersistentState("pool", SiloStorage.ProviderName)] IPersistentState<TaskPoolState> state) : Grain, ITaskPoolGrain
{
    /// <summary>The change log keeps this many recent entries; older ones are dropped (their effect is in the membership).</summary>
    public const int LogCapacity = 1_000;

    /// <summary>Pages a pool's membership is spread over: ~100 members a page at 100,000 tasks.</summary>
    public const int PageCount = 1024;

    private readonly IPersistentState<TaskPoolState> _state = state;
    private (long Version, PoolMember[] Members)? _sorted;  // the membership by id, kept while the version stays

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await ApplyPendingAsync();

    public async Task<ImportSummary> AddOrUpdateAsync(IReadOnlyList<PoolMember> members, string origin)
    {
        var duplicate = members.GroupBy(m => m.TaskId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"task id '{duplicate.Key}' appears {duplicate.Count()} times in one change");
        }
        while (true)
        {
            await ApplyPendingAsync();
            var existing = await CurrentAsync(members.Select(m => m.TaskId).ToList());
            var changes = new List<(PoolMember? Old, PoolMember New)>();
            var unchanged = 0;
            foreach (var member in members)
            {
                var old = existing[member.TaskId];
                if (old?.ContentHash == member.ContentHash)
                {
                    unchanged++;
                    continue;
                }
                changes.Add((old, member));
            }
            if (changes.Count == 0)
            {
                return new ImportSummary(0, 0, unchanged, _state.State.Version, _state.State.Tasks);
            }
            if (await TryCommitAsync(changes.Select(c => (c.Old, (PoolMember?)c.New)).ToList(), origin))
            {
                var added = changes.Count(c => c.Old is null);
                return new ImportSummary(added, changes.Count - added, unchanged, _state.State.Version, _state.State.Tasks);
            }
        }
    }

    public async Task<int> RemoveAsync(IReadOnlyList<string> taskIds, string origin)
    {
        while (true)
        {
            await ApplyPendingAsync();
            var existing = await CurrentAsync([.. taskIds.Distinct()]);
            var removals = existing.Values.Where(m => m is not null).Select(m => (m, (PoolMember?)null)).ToList();
            if (removals.Count == 0 || await TryCommitAsync(removals!, origin))
            {
                return removals.Count;
            }
        }
    }

    public async Task<IReadOnlyList<PoolMember>> ListAsync(int offset, int limit) => [.. (await SortedAsync()).Skip(offset).Take(limit)];

    public async Task<PoolMember?> GetMemberAsync(string taskId)
    {
        await ApplyPendingAsync();
        return (await CurrentAsync([taskId]))[taskId];
    }

    public Task<PoolStats> GetStatsAsync()
    {
        var s = _state.State;
        return Task.FromResult(new PoolStats(Name, s.Version, s.Tasks, s.Instances, s.Tasks == 0 ? 0 : (double)s.Instances / s.Tasks,
            Ordered(s.TasksByCategory), Ordered(s.TasksBySource), Ordered(s.TasksByFormat)));
    }

    public Task<IReadOnlyList<PoolChange>> GetChangesAsync(long sinceVersion) =>
        Task.FromResult<IReadOnlyList<PoolChange>>(_state.State.Log.Where(c => c.Version > sinceVersion).ToArray());

    /// <summary>The page a task id lives on: FNV-1a over its UTF-16 code units (stable across processes, unlike string.GetHashCode).</summary>
    public static int PageOf(string taskId)
    {
        var hash = 2166136261u;
        foreach (var c in taskId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % PageCount);
    }

    private ITaskPoolPageGrain Page(int page) => GrainFactory.GetGrain<ITaskPoolPageGrain>($"{Name}/{page}");

    /// <summary>The current member (or null) for each id, read from the pages that hold them.</summary>
    private async Task<Dictionary<string, PoolMember?>> CurrentAsync(IReadOnlyList<string> taskIds)
    {
        var result = new Dictionary<string, PoolMember?>(StringComparer.Ordinal);
        var byPage = taskIds.GroupBy(PageOf).Where(g => _state.State.Pages.Contains(g.Key)).ToList();
        var pages = await Task.WhenAll(byPage.Select(async g => (Ids: g.ToList(), Members: await Page(g.Key).GetAsync(g.ToList()))));
        foreach (var (ids, members) in pages)
        {
            for (var i = 0; i < ids.Count; i++)
            {
                result[ids[i]] = members[i];
            }
        }
        foreach (var id in taskIds)
        {
            result.TryAdd(id, null);
        }
        return result;
    }

    /// <summary>
    /// The commit point: counts, version, log and the pending page changes in one write of the pool's state. On an
    /// ETag conflict (another cluster on the same database changed the pool) re-reads and returns false so the caller
    /// decides again; once written, the pages are brought up to date.
    /// </summary>
    private async Task<bool> TryCommitAsync(IReadOnlyList<(PoolMember? Old, PoolMember? New)> changes, string origin)
    {
        var s = _state.State;
        var now = DateTimeOffset.UtcNow;
        foreach (var (old, next) in changes)
        {
            var member = next ?? old!;
            s.Version++;
            if (old is not null)
            {
                Count(s, old, -1);
            }
            if (next is not null)
            {
                Count(s, next, +1);
                s.Pages.Add(PageOf(next.TaskId));
            }
            var kind = next is null ? PoolChangeKind.Removed : old is null ? PoolChangeKind.Added : PoolChangeKind.Updated;
            s.Log.Add(new PoolChange(s.Version, kind, member.TaskId, member.ContentHash, origin, now));
            s.Pending.Add(new PageChange(member.TaskId, next, s.Version));
        }
        if (s.Log.Count > LogCapacity)
        {
            s.Log.RemoveRange(0, s.Log.Count - LogCapacity);
        }
        try
        {
            await _state.WriteOrDiscardAsync(this);
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();
            await ApplyPendingAsync();
            return false;
        }
        await ApplyPendingAsync();
        return true;
    }

    /// <summary>
    /// Brings the pages up to date with the committed change, then clears it. Runs before every read and change, so a
    /// change committed but not yet on its pages (a page write failed, or the silo died: then on activation) is
    /// finished before anything reads the pool.
    /// </summary>
    private async Task ApplyPendingAsync()
    {
        var pending = _state.State.Pending;
        if (pending.Count == 0)
        {
            return;
        }
        await Task.WhenAll(pending.GroupBy(c => PageOf(c.TaskId)).Select(g => Page(g.Key).ApplyAsync(g.ToList())));
        _state.State.Pending = [];
        _sorted = null;
        try
        {
            await _state.WriteOrDiscardAsync(this);
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();  // someone else moved on; their state already accounts for these pages
        }
    }

    private async Task<PoolMember[]> SortedAsync()
    {
        await ApplyPendingAsync();
        if (_sorted is { } sorted && sorted.Version == _state.State.Version)
        {
            return sorted.Members;
        }
        var pages = await Task.WhenAll(_state.State.Pages.Select(p => Page(p).ListAsync()));
        var members = pages.SelectMany(p => p).OrderBy(m => m.TaskId, StringComparer.Ordinal).ToArray();
        _sorted = (_state.State.Version, members);
        return members;
    }

    private static void Count(TaskPoolState s, PoolMember m, int sign)
    {
        s.Tasks += sign;
        s.Instances += sign * m.Instances;
        foreach (var category in m.Categories.DefaultIfEmpty("(none)"))
        {
            Add(s.TasksByCategory, category, sign);
        }
        Add(s.TasksBySource, m.Source, sign);
        Add(s.TasksByFormat, m.Format.ToString(), sign);
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var n = counts.GetValueOrDefault(key) + delta;
        if (n == 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = n;
        }
    }

    private static IReadOnlyDictionary<string, int> Ordered(Dictionary<string, int> counts) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value);
}
