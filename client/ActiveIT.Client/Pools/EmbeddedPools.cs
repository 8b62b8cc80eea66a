using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Pools;

/// <summary>An in-process grain host and the pool service over it; disposing deactivates the grains.</summary>
internal sealed class EmbeddedPools(GrainHost host, IPoolService service) : IAsyncDisposable
{
    public IPoolService Service { get; } = service;

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
