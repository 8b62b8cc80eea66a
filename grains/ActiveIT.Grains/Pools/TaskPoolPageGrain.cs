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
            if (page.Entries.GetValueOrDefault(change.TaskId) is not { } held || held.Version < change.Version)
            {
                page.Entries[change.TaskId] = change;
                changed = true;
            }
        }
        return changed;
    });

    public Task<IReadOnlyList<PoolMember>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PoolMember>>([.. state.State.Entries.Values.Where(e => e.Member is not null).Select(e => e.Member!)]);
}
