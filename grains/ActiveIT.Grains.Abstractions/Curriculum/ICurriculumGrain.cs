using ActiveIT.Grains.Runs;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// One experiment's durable record, keyed by experiment name. The grain holds state and decides transitions; the
/// work (scoring, training, evaluation) runs in a <c>CurriculumRunner</c> that records each finished step here, so
/// status reads never wait behind a training run. Writes from a runner carry its id: once the experiment is
/// cancelled or its lease is taken over, they fail with <see cref="OperationCanceledException"/>.
/// </summary>
[Alias("activeit.ICurriculumGrain")]
public interface ICurriculumGrain : IGrainWithStringKey
{
    /// <summary>Stores a new experiment; fails if one of this name exists (unless it is this create, sent again).</summary>
    [Alias("CreateAsync")]
    Task<Experiment> CreateAsync(ExperimentConfig config, string? owner);

    /// <summary>Stores a record as it is (with its rounds), if none exists under this name: how records from an older store are brought over.</summary>
    [Alias("RestoreAsync")]
    Task RestoreAsync(Experiment experiment);

    /// <summary>The latest record, or null.</summary>
    [Alias("GetAsync")]
    Task<Experiment?> GetAsync();

    /// <summary>Marks it queued for a runner; a completed experiment stays completed; a running one with a live lease is refused.</summary>
    [Alias("QueueAsync")]
    Task<Experiment> QueueAsync();

    /// <summary>
    /// Makes <paramref name="lease"/> its runner (status running) unless a live runner holds it. With
    /// <paramref name="fromQueue"/> (a silo's worker) only a queued experiment, or a running one whose runner is gone, is
    /// taken: one cancelled or deleted while it waited in the queue is refused.
    /// </summary>
    [Alias("ClaimAsync")]
    Task<Experiment> ClaimAsync(RunnerLease lease, RunSession session, bool fromQueue);

    [Alias("RecordRunAsync")]
    Task RecordRunAsync(string runnerId, SeedRun run);

    [Alias("RecordRoundAsync")]
    Task RecordRoundAsync(string runnerId, ulong seed, RoundRecord round);

    /// <summary>Stores progress and renews the lease (the runner throttles these calls).</summary>
    [Alias("ReportProgressAsync")]
    Task ReportProgressAsync(string runnerId, ExperimentProgress progress);

    /// <summary>The runner's last word: completed, paused or failed (with the error); releases the lease.</summary>
    [Alias("FinishAsync")]
    Task FinishAsync(string runnerId, RunStatus status, string? error);

    /// <summary>Cancels: a running runner stops at its next progress report; start resumes later.</summary>
    [Alias("CancelAsync")]
    Task<Experiment> CancelAsync();

    /// <summary>Deletes the record; refused while a live runner holds it.</summary>
    [Alias("DeleteAsync")]
    Task DeleteAsync();

    /// <summary>(Re)subscribes to every change of the record; renew within <see cref="SubscriptionLifetime"/>.</summary>
    [Alias("SubscribeAsync")]
    Task SubscribeAsync(IExperimentObserver observer);

    [Alias("UnsubscribeAsync")]
    Task UnsubscribeAsync(IExperimentObserver observer);

    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);
}
