using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pool-page")]
public sealed class TaskPoolPageGrain([PersistentState("page", SiloStorage.ProviderName)] IPersistentState<TaskPoolPageState> state)
    : Grain, ITaskPoolPageGrain
{
    public Task<IReadOnlyList<PoolMember?>> GetAsync(IReadOnlyList<string> taskIds) =>
        Task.FromResult<IReadOnlyList<PoolMember?>>([.. taskIds.Select(id => state.State.Entries.GetValueOrDefault(id)?.Member)]);

    // On a conflict (a second activation during a failover wrote this page) the changes apply again to what it holds.
    public Task ApplyAsync(IReadOnlyList<PageChange> changes) => state.ChangeAsync(this, page =>
    {
        var changed = false;
        foreach (var change in changes)
        {
            var held = page.Entries.GetValueOrDefault(change.TaskId);
            if (held is null || held.Version < change.Version)
            {
                if (held is not null)
                {
                    (page.Replaced.TryGetValue(change.TaskId, out var earlier) ? earlier : page.Replaced[change.TaskId] = []).Add(held);
                }
                page.Entries[change.TaskId] = change;
                changed = true;
            }
        }
        return changed;
    });

    public Task ClearAsync() => state.ClearStateAsync();

    public Task<IReadOnlyList<PoolMember>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PoolMember>>([.. state.State.Entries.Values.Where(e => e.Member is not null).Select(e => e.Member!)]);

    public Task<IReadOnlyList<PoolMember>> ListAtAsync(long version) =>
        Task.FromResult<IReadOnlyList<PoolMember>>([.. state.State.Entries.Keys.Select(id => At(id, version)).OfType<PoolMember>()]);

    public Task<IReadOnlyList<PoolMember?>> GetAtAsync(IReadOnlyList<string> taskIds, long version) =>
        Task.FromResult<IReadOnlyList<PoolMember?>>([.. taskIds.Select(id => At(id, version))]);

    /// <summary>The member an id had at <paramref name="version"/>: its latest entry not after it (a tombstone or none: absent).</summary>
    private PoolMember? At(string taskId, long version)
    {
        if (state.State.Entries.GetValueOrDefault(taskId) is not { } latest)
        {
            return null;
        }
        if (latest.Version <= version)
        {
            return latest.Member;
        }
        if (state.State.Replaced.GetValueOrDefault(taskId) is { } earlier)
        {
            for (var i = earlier.Count - 1; i >= 0; i--)
            {
                if (earlier[i].Version <= version)
                {
                    return earlier[i].Member;
                }
            }
        }
        return null;
    }
}
