namespace ActiveIT.Grains.Runs;

/// <summary>
/// One run of a kind without a grain of its own, keyed "{kind}/{name}" (<see cref="RunKinds.Id"/>). Writes from a
/// runner carry its id: once the run is cancelled or another runner holds it, they fail with
/// <see cref="OperationCanceledException"/>.
/// </summary>
[Alias("activeit.IRunGrain")]
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>The record, or null when there is none.</summary>
    [Alias("GetAsync")]
    Task<RunRecord?> GetAsync();

    /// <summary>Stores a new run; the same create sent again returns it, anything else conflicts.</summary>
    [Alias("CreateAsync")]
    Task<RunRecord> CreateAsync(string config, string? owner);

    /// <summary>Queues it for a worker, a completed run too (it computes only what is not stored); refused while a live runner holds it.</summary>
    [Alias("QueueAsync")]
    Task<RunRecord> QueueAsync();

    [Alias("ClaimAsync")]
    Task<RunRecord> ClaimAsync(RunnerLease lease, RunSession session);

    /// <summary>Stores progress and renews the lease.</summary>
    [Alias("ReportAsync")]
    Task ReportAsync(string runnerId, RunProgress progress);

    /// <summary>Stores a finished step's result (JSON) under its key and renews the lease; a key stored already keeps its first result.</summary>
    [Alias("RecordStepAsync")]
    Task RecordStepAsync(string runnerId, string key, string result);

    /// <summary>The runner's last word: its result (JSON) or error; releases the lease.</summary>
    [Alias("FinishAsync")]
    Task FinishAsync(string runnerId, RunStatus status, string? result, string? error, double seconds);

    [Alias("CancelAsync")]
    Task<RunRecord> CancelAsync();

    [Alias("DeleteAsync")]
    Task DeleteAsync();
}
