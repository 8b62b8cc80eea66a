using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.catalog")]
public sealed class CatalogGrain([PersistentState("catalog", SiloStorage.ProviderName)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    private readonly IPersistentState<CatalogState> _state = state;

    public Task AddPoolAsync(string pool) => _state.State.Pools.ContainsKey(pool)
        ? Task.CompletedTask
        : UpdateAsync(pools => pools.TryAdd(pool, new PoolEntry(pool, DateTimeOffset.UtcNow, [])));

    public Task AddScoreKeyAsync(string pool, ScoreKey key) =>
        _state.State.Pools.TryGetValue(pool, out var entry) && entry.ScoreKeys.Contains(key)
            ? Task.CompletedTask
            : UpdateAsync(pools =>
            {
                var current = pools.GetValueOrDefault(pool) ?? new PoolEntry(pool, DateTimeOffset.UtcNow, []);
                if (!current.ScoreKeys.Contains(key))
                {
                    pools[pool] = current with { ScoreKeys = [.. current.ScoreKeys, key] };
                }
            });

    public Task<IReadOnlyList<PoolEntry>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PoolEntry>>([.. _state.State.Pools.Values.OrderBy(p => p.Pool, StringComparer.Ordinal)]);

    public Task AddTransferAsync(string outPool) => AddNameAsync(s => s.Transfers, outPool);

    public Task<IReadOnlyList<string>> ListTransfersAsync() => Task.FromResult<IReadOnlyList<string>>([.. _state.State.Transfers.Order(StringComparer.Ordinal)]);

    public Task AddDiversityRunAsync(string name) => AddNameAsync(s => s.DiversityRuns, name);

    public Task RemoveDiversityRunAsync(string name) =>
        _state.State.DiversityRuns.Contains(name) ? UpdateAsync(_ => _state.State.DiversityRuns.Remove(name)) : Task.CompletedTask;

    public Task<IReadOnlyList<string>> ListDiversityRunsAsync() => Task.FromResult<IReadOnlyList<string>>([.. _state.State.DiversityRuns.Order(StringComparer.Ordinal)]);

    // The list is looked up inside the change: after a conflicting write the state is read again and is a new object.
    private Task AddNameAsync(Func<CatalogState, List<string>> list, string name) => list(_state.State).Contains(name) ? Task.CompletedTask : UpdateAsync(_ =>
    {
        if (!list(_state.State).Contains(name))
        {
            list(_state.State).Add(name);
        }
    });

    private async Task UpdateAsync(Action<Dictionary<string, PoolEntry>> change)
    {
        while (true)
        {
            change(_state.State.Pools);
            try
            {
                await _state.WriteOrDiscardAsync(this);
                return;
            }
            catch (InconsistentStateException)
            {
                await _state.ReadStateAsync();
            }
        }
    }
}
