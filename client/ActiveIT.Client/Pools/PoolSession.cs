namespace ActiveIT.Client.Pools;

/// <summary>A pool service and what must be released after it: the local silo connection, or the HTTP client.</summary>
internal sealed class PoolSession(ActiveIT.Grains.Pools.IPoolService service, object resource) : IAsyncDisposable
{
    public ActiveIT.Grains.Pools.IPoolService Service { get; } = service;

    public async ValueTask DisposeAsync()
    {
        switch (resource)
        {
            case IAsyncDisposable a:
                await a.DisposeAsync();
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }
    }
}
