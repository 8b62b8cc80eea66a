namespace ActiveIT.Grains.Runs;

/// <summary>
/// The cluster's queue of started runs of every kind (key "all"), by run id ("{kind}/{name}", <see cref="RunKinds"/>).
/// Each silo's run worker, with a free slot, claims the next one under a lease it renews while the run goes on. A
/// claim goes back to the front of the queue when membership declares its silo dead, or when its lease was not renewed
/// within <see cref="ClaimTimeout"/> (a silo alive but no longer running it), so a survivor resumes it from its last
/// finished step. Workers are told of new work through <see cref="IRunWorkerObserver"/>, not by polling; a reminder is
/// the durable backstop.
/// </summary>
[Alias("activeit.IRunQueueGrain")]
public interface IRunQueueGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>How long a claim lives without a renewal.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(3);

    /// <summary>Queues the run unless it is queued or claimed already; tells the workers.</summary>
    [Alias("EnqueueAsync")]
    Task EnqueueAsync(string runId);

    /// <summary>Takes the run out of the queue (cancelled or deleted); a claimed run stops through its own grain instead.</summary>
    [Alias("RemoveAsync")]
    Task RemoveAsync(string runId);

    /// <summary>The next queued run, now claimed by <paramref name="silo"/>; null when nothing waits.</summary>
    [Alias("ClaimAsync")]
    Task<string?> ClaimAsync(string silo);

    /// <summary>Extends the silo's claim; false when the claim is no longer this silo's (expired and handed on).</summary>
    [Alias("RenewAsync")]
    Task<bool> RenewAsync(string runId, string silo);

    /// <summary>The silo's run ended: the claim goes; with <paramref name="requeue"/> (a silo shutting down) it is queued again.</summary>
    [Alias("ReleaseAsync")]
    Task ReleaseAsync(string runId, string silo, bool requeue);

    /// <summary>(Re)subscribes a worker for "work available" notices; workers renew this within <see cref="SubscriptionLifetime"/>.</summary>
    [Alias("SubscribeAsync")]
    Task SubscribeAsync(IRunWorkerObserver worker);

    /// <summary>Returns to the queue the claims of dead silos and claims whose lease expired (also the reminder's work).</summary>
    [Alias("RecoverAsync")]
    Task RecoverAsync();

    [Alias("GetAsync")]
    Task<RunQueueSnapshot> GetAsync();
}
