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
