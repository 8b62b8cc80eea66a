namespace ActiveIT.Grains.Diversity;

/// <summary>
/// AdamW for each point: linear warm-up, then the schedule's decay over the whole budget. Rates are single precision,
/// as the engine takes them, so a config sent as JSON trains exactly as the CLI's own does.
/// </summary>
public sealed record DiversityTraining
{
    public static readonly IReadOnlyList<string> Schedules = ["constant", "linear", "cosine"];

    public float LearningRate { get; init; } = 3e-3f;
    public int WarmupSteps { get; init; } = 50;
    public string Schedule { get; init; } = "linear";
    public float WeightDecay { get; init; } = 0.01f;
}
