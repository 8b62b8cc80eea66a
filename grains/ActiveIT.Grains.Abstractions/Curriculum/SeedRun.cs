namespace ActiveIT.Grains.Curriculum;

/// <summary>One seed's run: its held-out tasks (unseen tasks, and with held-out categories the tasks of unseen
/// categories), its dev tasks (best-epoch selection; never candidates) and its rounds (round 0 = the initial set).</summary>
[GenerateSerializer, Immutable, Alias("activeit.SeedRun")]
public sealed record SeedRun(ulong Seed, string EvaluationPool, IReadOnlyList<string> EvaluationTaskIds, IReadOnlyList<RoundRecord> Rounds,
    IReadOnlyList<string>? UnseenCategoryTaskIds = null, IReadOnlyList<string>? DevTaskIds = null);
