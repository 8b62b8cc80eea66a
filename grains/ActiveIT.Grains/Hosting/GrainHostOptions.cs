namespace ActiveIT.Grains.Hosting;

/// <summary>When idle activations are collected (Orleans: <c>GrainCollectionOptions</c>).</summary>
public sealed record GrainHostOptions(TimeSpan IdleTimeout, TimeSpan CollectionInterval)
{
    public static GrainHostOptions Default { get; } = new(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1));
}
