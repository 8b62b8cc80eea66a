namespace ActiveIT.Grains.Pools;

/// <summary>A pool the cluster has imported into, and the (model, scorer) pairs it holds cached scores for.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolEntry")]
public sealed record PoolEntry(string Pool, DateTimeOffset FirstImport, IReadOnlyList<ScoreKey> ScoreKeys);

[GenerateSerializer, Alias("activeit.PoolCatalogState")]
public sealed class PoolCatalogState
{
    [Id(0)]
    public Dictionary<string, PoolEntry> Pools { get; set; } = [];

    /// <summary>Output pools of format transfer runs (a run that transferred nothing has an empty pool, never imported into).</summary>
    [Id(1)]
    public List<string> Transfers { get; set; } = [];
}

/// <summary>
/// The cluster's list of pools and format transfer runs (key "all"), for browsing: a pool grain knows only itself. Written after an import's
/// commit and after a scoring run stores a score, so it may miss a pool only for the moment between the two writes
/// (and pools made before the catalog existed, until their next import).
/// </summary>
[Alias("activeit.IPoolCatalogGrain")]
public interface IPoolCatalogGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("AddPoolAsync")]
    Task AddPoolAsync(string pool);

    [Alias("AddScoreKeyAsync")]
    Task AddScoreKeyAsync(string pool, ScoreKey key);

    [Alias("ListAsync")]
    Task<IReadOnlyList<PoolEntry>> ListAsync();

    [Alias("AddTransferAsync")]
    Task AddTransferAsync(string outPool);

    [Alias("ListTransfersAsync")]
    Task<IReadOnlyList<string>> ListTransfersAsync();
}
