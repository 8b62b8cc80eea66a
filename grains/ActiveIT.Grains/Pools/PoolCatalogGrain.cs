using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pools")]
public sealed class PoolCatalogGrain([PersistentState("pools", SiloStorage.ProviderName)] IPersistentState<PoolCatalogState> state) : Grain, IPoolCatalogGrain
{
    private readonly IPersistentState<PoolCatalogState> _state = state;

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

    public Task AddTransferAsync(string outPool) =>
        _state.State.Transfers.Contains(outPool) ? Task.CompletedTask : UpdateAsync(_ =>
        {
            if (!_state.State.Transfers.Contains(outPool))
            {
                _state.State.Transfers.Add(outPool);
            }
        });

    public Task<IReadOnlyList<string>> ListTransfersAsync() => Task.FromResult<IReadOnlyList<string>>([.. _state.State.Transfers.Order(StringComparer.Ordinal)]);

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
