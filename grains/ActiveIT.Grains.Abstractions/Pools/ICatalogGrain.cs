namespace ActiveIT.Grains.Pools;

/// <summary>
/// What the web workbench browses (key "all"): the cluster's pools and format transfer runs — a pool or run grain
/// knows only itself. Written after an import's
/// commit and after a scoring run stores a score, so it may miss a pool only for the moment between the two writes
/// (and pools made before the catalog existed, until their next import).
/// </summary>
[Alias("activeit.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("AddPoolAsync")]
    Task AddPoolAsync(string pool);

    [Alias("AddScoreKeyAsync")]
    Task AddScoreKeyAsync(string pool, ScoreKey key);

    [Alias("RemovePoolAsync")]
    Task RemovePoolAsync(string pool);

    [Alias("ListAsync")]
    Task<IReadOnlyList<PoolEntry>> ListAsync();

    [Alias("AddTransferAsync")]
    Task AddTransferAsync(string outPool);

    [Alias("RemoveTransferAsync")]
    Task RemoveTransferAsync(string outPool);

    [Alias("ListTransfersAsync")]
    Task<IReadOnlyList<string>> ListTransfersAsync();
}
