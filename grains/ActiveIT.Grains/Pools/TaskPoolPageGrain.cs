using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pool-page")]
public sealed class TaskPoolPageGrain([PersistentState("page", SiloStorage.ProviderName)] IPersistentState<TaskPoolPageState> state, StorageScope scope)
    : Grain, ITaskPoolPageGrain
{
    public async Task<IReadOnlyList<PoolMember?>> GetAsync(IReadOnlyList<string> taskIds)
    {
        await RefreshAsync();
        return [.. taskIds.Select(id => state.State.Entries.GetValueOrDefault(id)?.Member)];
    }

    /// <summary>On SQLite another process (its own cluster) may have written this page: what the pool decides on must be current.</summary>
    private Task RefreshAsync() => scope.SharedWithOtherClusters ? state.ReadStateAsync() : Task.CompletedTask;

    // On a conflict (another cluster on the same database wrote this page) the changes apply again to what it holds.
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

    public async Task<IReadOnlyList<PoolMember>> ListAsync()
    {
        await RefreshAsync();
        return [.. state.State.Entries.Values.Where(e => e.Member is not null).Select(e => e.Member!)];
    }
}
