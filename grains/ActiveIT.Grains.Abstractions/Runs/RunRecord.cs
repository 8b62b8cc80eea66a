namespace ActiveIT.Grains.Runs;

/// <summary>
/// A run of a kind with no record of its own (scoring, pretraining, diversity): its config and result as the JSON its
/// kind defines, with the lifecycle every run has: owner, status, runner, sessions (code and library versions,
/// machine), progress, error and timings; and the steps it finished, for kinds that resume from them.
/// </summary>
[GenerateSerializer, Alias("activeit.RunRecord")]
public sealed class RunRecord : IRunLifecycle
{
    [Id(0)] public string Kind { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string? Owner { get; set; }
    [Id(3)] public string Config { get; set; } = "{}";
    [Id(4)] public RunStatus Status { get; set; }
    [Id(5)] public RunnerLease? Runner { get; set; }
    [Id(6)] public List<RunSession> Sessions { get; set; } = [];
    [Id(7)] public RunProgress? Progress { get; set; }
    [Id(8)] public string? Result { get; set; }
    [Id(9)] public string? Error { get; set; }
    [Id(10)] public DateTimeOffset CreatedAt { get; set; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(12)] public double Seconds { get; set; }

    /// <summary>Finished steps in the order they finished, each stored once: what a resumed run, on any silo, does not do again.</summary>
    [Id(13)] public List<RunStep> Steps { get; set; } = [];
}

/// <summary>How far a run is: <see cref="Done"/> of <see cref="Total"/> units of its <see cref="Step"/>.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunProgress")]
public sealed record RunProgress([property: Id(0)] long Done, [property: Id(1)] long Total, [property: Id(2)] string? Step, [property: Id(3)] DateTimeOffset At);

/// <summary>One finished step of a run: its key (the kind's own, e.g. a diversity point), its result as JSON, and when it was stored.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunStep")]
public sealed record RunStep([property: Id(0)] string Key, [property: Id(1)] string Result, [property: Id(2)] DateTimeOffset At);
