using ActiveIT.Grains.Runs;

namespace ActiveIT.Grains.Transfer;

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
