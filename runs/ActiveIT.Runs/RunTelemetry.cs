using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActiveIT.Runs;

/// <summary>
/// The platform's own metrics and spans, all under the name "ActiveIT" (what a host subscribes to: the silo exports them
/// over OTLP and at /metrics; a process that subscribes nothing pays next to nothing). Counters only, so a backend derives
/// the rates (tokens/s, tasks scored/s) over whatever window it draws. Not a log: no task content, prompts or keys here.
/// </summary>
public static class RunTelemetry
{
    public const string Name = "ActiveIT";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Runs that began work, tagged kind (curriculum, …).</summary>
    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("activeit.runs.started", "{run}", "Runs that began work, by kind");

    /// <summary>Runs that stopped, tagged kind and status: completed, failed, or cancelled (a pause at shutdown or a user's cancel).</summary>
    public static readonly Counter<long> RunsEnded = Meter.CreateCounter<long>("activeit.runs.ended", "{run}", "Runs that stopped, by kind and status");

    public static readonly Counter<long> RoundsFinished = Meter.CreateCounter<long>("activeit.curriculum.rounds", "{round}",
        "Curriculum rounds finished (selected, trained and evaluated) in this process");

    /// <summary>Added when a round's training ends, with the count its record keeps (every position of every batch).</summary>
    public static readonly Counter<long> TrainingTokens = Meter.CreateCounter<long>("activeit.training.tokens", "{token}", "Tokens trained on");

    /// <summary>Tasks a model scored; scores read from the cache are not counted, so the rate is the engine's.</summary>
    public static readonly Counter<long> TasksScored = Meter.CreateCounter<long>("activeit.scoring.tasks", "{task}", "Tasks scored by a model");

    public static void RunStarted(string kind) => RunsStarted.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void RunEnded(string kind, string status) =>
        RunsEnded.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("status", status));

    /// <summary>A span for one round of one seed of an experiment (null when nobody listens).</summary>
    public static Activity? StartRound(string experiment, ulong seed, int round) => Source.StartActivity("curriculum round")?
        .SetTag("activeit.experiment", experiment).SetTag("activeit.seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .SetTag("activeit.round", round);

    /// <summary>A span for one scoring call over a pool's tasks (null when nobody listens).</summary>
    public static Activity? StartScoring(string pool, string scoreKey, int tasks) => Source.StartActivity("score tasks")?
        .SetTag("activeit.pool", pool).SetTag("activeit.score_key", scoreKey).SetTag("activeit.tasks", tasks);
}
