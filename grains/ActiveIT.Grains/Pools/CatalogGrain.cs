using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.catalog")]
public sealed class CatalogGrain([PersistentState("catalog", SiloStorage.ProviderName)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    private readonly IPersistentState<CatalogState> _state = state;

    public Task AddPoolAsync(string pool) => _state.State.Pools.ContainsKey(pool)
        ? Task.CompletedTask
        : _state.ChangeAsync(this, s => s.Pools.TryAdd(pool, new PoolEntry(pool, DateTimeOffset.UtcNow, [])));

    public Task RemovePoolAsync(string pool) =>
        _state.State.Pools.ContainsKey(pool) ? _state.ChangeAsync(this, s => s.Pools.Remove(pool)) : Task.CompletedTask;

    public Task AddScoreKeyAsync(string pool, ScoreKey key) =>
        _state.State.Pools.TryGetValue(pool, out var entry) && entry.ScoreKeys.Contains(key)
            ? Task.CompletedTask
            : _state.ChangeAsync(this, s =>
            {
                var current = s.Pools.GetValueOrDefault(pool) ?? new PoolEntry(pool, DateTimeOffset.UtcNow, []);
                if (!current.ScoreKeys.Contains(key))
                {
                    s.Pools[pool] = current with { ScoreKeys = current.ScoreKeys.Append(key).ToArray() };
                }
            });

    public Task<IReadOnlyList<PoolEntry>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PoolEntry>>([.. _state.State.Pools.Values.OrderBy(p => p.Pool, StringComparer.Ordinal)]);

    public Task AddTransferAsync(string outPool) => AddNameAsync(s => s.Transfers, outPool);

    public Task RemoveTransferAsync(string outPool) =>
        _state.State.Transfers.Contains(outPool) ? _state.ChangeAsync(this, s => s.Transfers.Remove(outPool)) : Task.CompletedTask;

    public Task<IReadOnlyList<string>> ListTransfersAsync() => Sorted(_state.State.Transfers);

    private Task AddNameAsync(Func<CatalogState, List<string>> list, string name) => list(_state.State).Contains(name)
        ? Task.CompletedTask
        : _state.ChangeAsync(this, s =>
        {
            if (!list(s).Contains(name))
            {
                list(s).Add(name);
            }
        });

    private static Task<IReadOnlyList<string>> Sorted(List<string> names) => Task.FromResult<IReadOnlyList<string>>([.. names.Order(StringComparer.Ordinal)]);
}
