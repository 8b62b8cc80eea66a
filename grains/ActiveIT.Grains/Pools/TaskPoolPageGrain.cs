using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pool-page")]
public sealed class TaskPoolPageGrain([PersistentState("page", SiloStorage.ProviderName)] IPersistentState<TaskPoolPageState> state) : Grain, ITaskPoolPageGrain
{
    public Task<IReadOnlyList<PoolMember?>> GetAsync(IReadOnlyList<string> taskIds) =>
        Task.FromResult<IReadOnlyList<PoolMember?>>([.. taskIds.Select(id => state.State.Entries.GetValueOrDefault(id)?.Member)]);

    public async Task ApplyAsync(IReadOnlyList<PageChange> changes)
    {
        while (true)
        {
            var changed = false;
            foreach (var change in changes)
            {
                if (state.State.Entries.GetValueOrDefault(change.TaskId) is not { } held || held.Version < change.Version)
                {
                    state.State.Entries[change.TaskId] = change;
                    changed = true;
                }
            }
            if (!changed)
            {
                return;
            }
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (InconsistentStateException)
            {
                await state.ReadStateAsync();  // another cluster on the same database wrote this page: apply again to what it holds
            }
        }
    }

    public Task<IReadOnlyList<PoolMember>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PoolMember>>([.. state.State.Entries.Values.Where(e => e.Member is not null).Select(e => e.Member!)]);
}
