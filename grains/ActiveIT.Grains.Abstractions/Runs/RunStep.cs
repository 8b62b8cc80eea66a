namespace ActiveIT.Grains.Runs;

/// <summary>One finished step of a run: its key (the kind's own, e.g. a diversity point), its result as JSON, and when it was stored.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunStep")]
public sealed record RunStep([property: Id(0)] string Key, [property: Id(1)] string Result, [property: Id(2)] DateTimeOffset At);
