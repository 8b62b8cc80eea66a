using ActiveIT.Grains.Hosting;

namespace ActiveIT.Grains.Pools;

/// <summary>Registers the pool grains with a host (Orleans would discover them by assembly scanning).</summary>
public static class PoolGrains
{
    public static GrainHost AddPoolGrains(this GrainHost host) => host
        .Register<ITaskGrain, TaskGrain>(context => new TaskGrain(context))
        .Register<ITaskPoolGrain, TaskPoolGrain>(context => new TaskPoolGrain(context));
}
