namespace ActiveIT.Grains.Runs;

/// <summary>The queue as its grain answers it: run ids waiting, oldest first, the claims of running ones, and claimed ones to queue again on release.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunQueueSnapshot")]
public sealed record RunQueueSnapshot(
    [property: Id(0)] IReadOnlyList<string> Queued,
    [property: Id(1)] IReadOnlyDictionary<string, RunClaim> Claims,
    [property: Id(2)] IReadOnlySet<string> Again);
