namespace ActiveIT.Grains.Curriculum;

/// <summary>Where a running experiment is: seed (index of count), round, step ("select", "score", "train", "evaluate"), done of total.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ExperimentProgress")]
public sealed record ExperimentProgress(ulong Seed, int SeedIndex, int Seeds, int Round, int Rounds, string Step, long Done, long Total, string? Detail, DateTimeOffset At);
