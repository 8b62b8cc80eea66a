namespace ActiveIT.Grains.Runs;

/// <summary>How far a run is: <see cref="Done"/> of <see cref="Total"/> units of its <see cref="Step"/>.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunProgress")]
public sealed record RunProgress([property: Id(0)] long Done, [property: Id(1)] long Total, [property: Id(2)] string? Step, [property: Id(3)] DateTimeOffset At);
