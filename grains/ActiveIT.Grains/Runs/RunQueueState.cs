namespace ActiveIT.Grains.Runs;

/// <summary>The queue: run ids waiting, oldest first, the claims of running ones, and claimed ones to queue again on release.</summary>
[GenerateSerializer, Alias("activeit.RunQueueState")]
public sealed class RunQueueState
{
    [Id(0)]
    public List<string> Queued { get; set; } = [];

    [Id(1)]
    public Dictionary<string, RunClaim> Claims { get; set; } = [];

    /// <summary>Claimed runs started again before their worker let go of them (a completed scoring run started anew): queued on release.</summary>
    [Id(2)]
    public HashSet<string> Again { get; set; } = [];
}
