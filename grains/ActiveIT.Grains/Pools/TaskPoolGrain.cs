using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pool")]
public sealed class TaskPoolGrain([PersistentState("pool", SiloStorage.ProviderName)] IPersistentState<TaskPoolState> state) : Grain, ITaskPoolGrain
{
    /// <summary>The change log keeps this many recent entries; older ones are dropped (their effect is in the membership).</summary>
    public const int LogCapacity = 10_000;

    private readonly IPersistentState<TaskPoolState> _state = state;

    public async Task<ImportSummary> AddOrUpdateAsync(IReadOnlyList<PoolMember> members, string origin)
    {
        var duplicate = members.GroupBy(m => m.TaskId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"task id '{duplicate.Key}' appears {duplicate.Count()} times in one change");
        }
        while (true)
        {
            var state = _state.State;
            int added = 0, updated = 0, unchanged = 0;
            var now = DateTimeOffset.UtcNow;
            foreach (var member in members)
            {
                var existing = state.Members.GetValueOrDefault(member.TaskId);
                if (existing?.ContentHash == member.ContentHash)
                {
                    unchanged++;
                    continue;
                }
                state.Members[member.TaskId] = member;
                state.Version++;
                state.Log.Add(new PoolChange(state.Version, existing is null ? PoolChangeKind.Added : PoolChangeKind.Updated, member.TaskId, member.ContentHash, origin, now));
                _ = existing is null ? added++ : updated++;
            }
            if (added + updated == 0)
            {
                return new ImportSummary(0, 0, unchanged, state.Version, state.Members.Count);
            }
            if (await TryWriteAsync())
            {
                return new ImportSummary(added, updated, unchanged, state.Version, state.Members.Count);
            }
        }
    }

    public async Task<int> RemoveAsync(IReadOnlyList<string> taskIds, string origin)
    {
        while (true)
        {
            var state = _state.State;
            var removed = 0;
            foreach (var id in taskIds.Distinct())
            {
                if (state.Members.Remove(id, out var member))
                {
                    state.Version++;
                    state.Log.Add(new PoolChange(state.Version, PoolChangeKind.Removed, id, member.ContentHash, origin, DateTimeOffset.UtcNow));
                    removed++;
                }
            }
            if (removed == 0 || await TryWriteAsync())
            {
                return removed;
            }
        }
    }

    public Task<IReadOnlyList<PoolMember>> ListAsync(int offset, int limit) =>
        Task.FromResult<IReadOnlyList<PoolMember>>(_state.State.Members.Values.OrderBy(m => m.TaskId, StringComparer.Ordinal).Skip(offset).Take(limit).ToArray());

    public Task<PoolMember?> GetMemberAsync(string taskId) => Task.FromResult(_state.State.Members.GetValueOrDefault(taskId));

    public Task<PoolStats> GetStatsAsync()
    {
        var members = _state.State.Members.Values;
        var instances = members.Sum(m => (long)m.Instances);
        return Task.FromResult(new PoolStats(this.GetPrimaryKeyString(), _state.State.Version, members.Count, instances,
            members.Count == 0 ? 0 : (double)instances / members.Count,
            Count(members.SelectMany(m => m.Categories.DefaultIfEmpty("(none)"))),
            Count(members.Select(m => m.Source)),
            Count(members.Select(m => m.Format.ToString()))));
    }

    public Task<IReadOnlyList<PoolChange>> GetChangesAsync(long sinceVersion) =>
        Task.FromResult<IReadOnlyList<PoolChange>>(_state.State.Log.Where(c => c.Version > sinceVersion).ToArray());

    /// <summary>Writes the state; on an ETag conflict re-reads it and returns false so the caller decides again.</summary>
    private async Task<bool> TryWriteAsync()
    {
        if (_state.State.Log.Count > LogCapacity)
        {
            _state.State.Log.RemoveRange(0, _state.State.Log.Count - LogCapacity);
        }
        try
        {
            await _state.WriteStateAsync();
            return true;
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();
            return false;
        }
        catch
        {
            await _state.ReadStateAsync();  // the unwritten change must not linger in memory
            throw;
        }
    }

    private static IReadOnlyDictionary<string, int> Count(IEnumerable<string> keys) =>
        keys.GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}
