using ActiveIT.Grains.Runs;

namespace ActiveIT.Grains.Transfer;

/// <summary>
/// One transfer run, keyed by its output pool. Created by a silo's client (<see cref="CreateAsync"/>), queued, claimed
/// by a silo's run worker under a lease, and recorded task by task; or driven by the CLI directly
/// (<see cref="BeginAsync"/> without a claim). Writes that carry a runner id fail with
/// <see cref="OperationCanceledException"/> once the run is cancelled or another runner holds it.
/// </summary>
[Alias("activeit.ITransferRunGrain")]
public interface ITransferRunGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<TransferRunState> GetAsync();

    /// <summary>Stores a new run asked by <paramref name="owner"/>; the same create sent again returns it, anything else conflicts.</summary>
    [Alias("CreateAsync")]
    Task<TransferRunState> CreateAsync(string request, string? owner);

    /// <summary>Queues it for a worker; a completed run stays completed; one running under a live lease is refused.</summary>
    [Alias("QueueAsync")]
    Task<TransferRunState> QueueAsync();

    /// <summary>Makes <paramref name="lease"/> its runner, from the queue: only a queued run, or a running one whose runner is gone.</summary>
    [Alias("ClaimAsync")]
    Task<TransferRunState> ClaimAsync(RunnerLease lease, RunSession session);

    /// <summary>Begins or resumes the work; refuses a spec that differs from the one the pool was made with.</summary>
    [Alias("BeginAsync")]
    Task<TransferRunState> BeginAsync(TransferRunSpec spec, int tasks, string? runnerId);

    [Alias("RecordRequestAsync")]
    Task RecordRequestAsync(string? runnerId, long promptTokens, long completionTokens, decimal cost);

    [Alias("RecordTaskAsync")]
    Task RecordTaskAsync(string? runnerId, TransferTaskOutcome outcome);

    /// <summary>The runner's last word: completed, paused (with why) or failed (with the error); releases the lease.</summary>
    [Alias("FinishAsync")]
    Task FinishAsync(string? runnerId, RunStatus status, string? reason, double seconds);

    /// <summary>Cancels: a running runner stops at its next write; start resumes later.</summary>
    [Alias("CancelAsync")]
    Task<TransferRunState> CancelAsync();

    /// <summary>Deletes the record (not the output pool, nor the stored candidates); refused while a live runner holds it.</summary>
    [Alias("DeleteAsync")]
    Task DeleteAsync();
}
