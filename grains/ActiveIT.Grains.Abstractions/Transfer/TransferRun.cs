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

/// <summary>A run's record: its spec, spend so far (kept across resumed runs: the budget counts all of it), status and outcomes.</summary>
[GenerateSerializer, Alias("activeit.TransferRunState")]
public sealed class TransferRunState
{
    [Id(0)] public TransferRunSpec? Spec { get; set; }
    [Id(1)] public string Status { get; set; } = "new";
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

    public const string Running = "running", Done = "done", Stopped = "stopped";
}

/// <summary>One transfer run, keyed by its output pool.</summary>
[Alias("activeit.ITransferRunGrain")]
public interface ITransferRunGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<TransferRunState> GetAsync();

    /// <summary>Starts or resumes; refuses a spec that differs from the one the pool was made with.</summary>
    [Alias("StartAsync")]
    Task<TransferRunState> StartAsync(TransferRunSpec spec, int tasks);

    [Alias("RecordRequestAsync")]
    Task RecordRequestAsync(long promptTokens, long completionTokens, decimal cost);

    [Alias("RecordTaskAsync")]
    Task RecordTaskAsync(TransferTaskOutcome outcome);

    [Alias("FinishAsync")]
    Task FinishAsync(string status, string? reason, double seconds);
}
