namespace ActiveIT.Grains.Runs;

/// <summary>The queue: run ids waiting, oldest first, and the claims of running ones.</summary>
[GenerateSerializer, Alias("activeit.RunQueueState")]
public sealed class RunQueueState
{
    [Id(0)]
    public List<string> Queued { get; set; } = [];

    [Id(1)]
    public Dictionary<string, RunClaim> Claims { get; set; } = [];
}

/// <summary>Which silo holds a run, and until when its lease lasts without a renewal.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunClaim")]
public sealed record RunClaim([property: Id(0)] string Silo, [property: Id(1)] DateTimeOffset Expires);
