namespace ActiveIT.Grains.Hosting;

/// <summary>One live grain instance. The gate admits one call at a time (Orleans' turn-based, non-reentrant grains).</summary>
internal sealed class Activation(object grain, GrainContext context)
{
    public object Grain { get; } = grain;
    public GrainContext Context { get; } = context;
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public long LastUsedTicks = Environment.TickCount64;
    public bool Deactivated;
}
