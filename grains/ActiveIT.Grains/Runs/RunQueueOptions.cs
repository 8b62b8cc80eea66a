namespace ActiveIT.Grains.Runs;

/// <summary>ActiveIT:RunClaimTimeout: how long a claimed run may go without its worker's renewal before it is queued again.</summary>
public sealed class RunQueueOptions
{
    public TimeSpan ClaimTimeout { get; set; } = IRunQueueGrain.ClaimTimeout;
}
