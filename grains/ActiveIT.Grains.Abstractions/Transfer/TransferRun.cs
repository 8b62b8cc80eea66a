using ActiveIT.Grains.Runs;

namespace ActiveIT.Grains.Transfer;

/// <summary>How one task of a run ended: transferred (with the chosen candidate), failed (why), or not reached.</summary>
[GenerateSerializer, Immutable, Alias("activeit.TransferTaskOutcome")]
public sealed record TransferTaskOutcome(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string SourceHash,
    [property: Id(2)] string Status,
    [property: Id(3)] int? Chosen,
    [property: Id(4)] double? Score,
    [property: Id(5)] int Candidates,
    [property: Id(6)] int Parsed,
    [property: Id(7)] string? Reason)
{
    public const string Transferred = "transferred", Failed = "failed";
}

/// <summary>What a run was asked to do: it is named by its output pool, and a second run into that pool must ask the same.</summary>
[GenerateSerializer, Immutable, Alias("activeit.TransferRunSpec")]
public sealed record TransferRunSpec(
    [property: Id(0)] string SourcePool,
    [property: Id(1)] string OutPool,
    [property: Id(2)] string Target,
    [property: Id(3)] string ConfigKey,
    [property: Id(4)] string Config,
    [property: Id(5)] string Denoise,
    [property: Id(6)] string LabelMap,
    [property: Id(7)] string Budget,
    [property: Id(8)] string Backend);

/// <summary>
/// A transfer run's record: what it was asked (<see cref="Request"/>, the JSON a silo's client posted; null for a run
/// the CLI drove itself), its spec, owner, lifecycle status and runner, every session, spend so far (kept across
/// resumed sessions: the budget counts all of it) and each task's outcome. <see cref="RunStatus.Paused"/> with a
/// <see cref="StopReason"/>: the budget ran out or the server could not be used; start resumes it.
/// </summary>
[GenerateSerializer, Alias("activeit.TransferRunState")]
public sealed class TransferRunState : IRunLifecycle
{
    [Id(0)] public TransferRunSpec? Spec { get; set; }
    // Id 1 held the status as a word before runs shared one lifecycle; stored records of that time read as created.
    [Id(18)] public RunStatus Status { get; set; } = RunStatus.Created;
    [Id(2)] public string? StopReason { get; set; }
    [Id(3)] public long Requests { get; set; }
    [Id(4)] public long PromptTokens { get; set; }
    [Id(5)] public long CompletionTokens { get; set; }
    [Id(6)] public decimal Cost { get; set; }
    [Id(7)] public Dictionary<string, TransferTaskOutcome> Outcomes { get; set; } = [];
    [Id(8)] public int Tasks { get; set; }
    [Id(9)] public DateTimeOffset StartedAt { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(11)] public double Seconds { get; set; }
    [Id(12)] public string? Name { get; set; }
    [Id(13)] public string? Owner { get; set; }
    [Id(14)] public string? Request { get; set; }
    [Id(15)] public RunnerLease? Runner { get; set; }
    [Id(16)] public List<RunSession> Sessions { get; set; } = [];
    [Id(17)] public DateTimeOffset CreatedAt { get; set; }
}

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
