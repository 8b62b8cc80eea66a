namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// The cluster's queue of started experiments (key "all"). Each silo's worker, with a free slot, claims the next one
/// and runs it; the queue remembers which silo holds each claim. Its reminder returns the claims of silos that
/// membership has declared dead to the front of the queue, so a survivor resumes them from their last finished step.
/// Workers are told of new work through <see cref="IExperimentWorkerObserver"/>, not by polling.
/// </summary>
[Alias("activeit.IExperimentQueueGrain")]
public interface IExperimentQueueGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>Queues the experiment unless it is queued or claimed already; tells the workers.</summary>
    [Alias("EnqueueAsync")]
    Task EnqueueAsync(string name);

    /// <summary>Takes the experiment out of the queue (cancelled or deleted); a claimed run stops through its curriculum grain instead.</summary>
    [Alias("RemoveAsync")]
    Task RemoveAsync(string name);

    /// <summary>The next queued experiment, now claimed by <paramref name="silo"/>; null when nothing waits.</summary>
    [Alias("ClaimAsync")]
    Task<string?> ClaimAsync(string silo);

    /// <summary>The silo's run ended: the claim goes; with <paramref name="requeue"/> (a silo shutting down) it is queued again.</summary>
    [Alias("ReleaseAsync")]
    Task ReleaseAsync(string name, string silo, bool requeue);

    /// <summary>(Re)subscribes a worker for "work available" notices; workers renew this within <see cref="SubscriptionLifetime"/>.</summary>
    [Alias("SubscribeAsync")]
    Task SubscribeAsync(IExperimentWorkerObserver worker);

    /// <summary>Returns claims held by silos that membership declared dead to the queue (also the reminder's work).</summary>
    [Alias("RecoverAsync")]
    Task RecoverAsync();

    [Alias("GetAsync")]
    Task<ExperimentQueueState> GetAsync();

    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(3);
}

/// <summary>A silo's experiment worker, as the queue grain sees it.</summary>
[Alias("activeit.IExperimentWorkerObserver")]
public interface IExperimentWorkerObserver : IGrainObserver
{
    [Alias("WorkAvailable")]
    void WorkAvailable();
}

/// <summary>The queue: experiment names waiting, oldest first, and the claims of running ones (name → silo address).</summary>
[GenerateSerializer, Alias("activeit.ExperimentQueueState")]
public sealed class ExperimentQueueState
{
    [Id(0)]
    public List<string> Queued { get; set; } = [];

    [Id(1)]
    public Dictionary<string, string> Claims { get; set; } = [];
}
