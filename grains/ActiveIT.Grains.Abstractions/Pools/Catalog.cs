namespace ActiveIT.Grains.Pools;

public static class Catalog
{
    /// <summary>
    /// Notes something in the catalog after the write that made it (an import's commit, a stored score, a run's state):
    /// the write has happened, so a catalog that cannot be reached must not turn it into a failure. What the catalog
    /// missed it learns at the next import, scoring run or publish of that pool or run.
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
