namespace ActiveIT.Grains.Pools;

/// <summary>A pool the cluster has imported into, and the (model, scorer) pairs it holds cached scores for.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolEntry")]
public sealed record PoolEntry(string Pool, DateTimeOffset FirstImport, IReadOnlyList<ScoreKey> ScoreKeys);

[GenerateSerializer, Alias("activeit.CatalogState")]
public sealed class CatalogState
{
    [Id(0)]
    public Dictionary<string, PoolEntry> Pools { get; set; } = [];

    /// <summary>Output pools of format transfer runs (a run that transferred nothing has an empty pool, never imported into).</summary>
    [Id(1)]
    public List<string> Transfers { get; set; } = [];
}

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

    [Alias("ListAsync")]
    Task<IReadOnlyList<PoolEntry>> ListAsync();

    [Alias("AddTransferAsync")]
    Task AddTransferAsync(string outPool);

    [Alias("RemoveTransferAsync")]
    Task RemoveTransferAsync(string outPool);

    [Alias("ListTransfersAsync")]
    Task<IReadOnlyList<string>> ListTransfersAsync();
}

public static class Catalog
{
    /// <summary>
    /// Notes something in the catalog after the write that made it (an import's commit, a stored score, a run's state):
    /// the write has happened, so a catalog that cannot be reached must not turn it into a failure. What the catalog
    /// missed it learns at the next import, scoring run or transfer of that pool or run.
    /// </summary>
    public static async Task NoteAsync(IGrainFactory grains, Func<ICatalogGrain, Task> note)
    {
        try
        {
            await note(grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            System.Diagnostics.Trace.TraceWarning($"activeit: the catalog was not updated ({e.GetType().Name}: {e.Message})");
        }
    }
}
