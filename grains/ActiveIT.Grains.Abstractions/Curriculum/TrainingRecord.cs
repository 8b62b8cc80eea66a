namespace ActiveIT.Grains.Curriculum;

/// <summary>A round's training. With best-epoch selection, <see cref="DevScores"/> holds the dev score after each epoch
/// (in <see cref="DevMetric"/>, ×100) and <see cref="BestEpoch"/> (1-based) the epoch whose weights are the checkpoint.
/// <see cref="Prompts"/>: how the training prompts fitted the context (null in records from before it was counted).
/// <see cref="Base"/> and <see cref="BaseVersion"/>: the checkpoint the round started from, when it had one; with LoRA
/// adapters <see cref="Checkpoint"/> is the adapters' PEFT folder and <see cref="ModelVersion"/> covers base and adapters.
/// <see cref="SharedFrom"/>: round 0 taken from this experiment's identical round 0 (same base, tasks, settings and
/// seed) instead of trained again; its times are that run's.</summary>
[GenerateSerializer, Immutable, Alias("activeit.TrainingRecord")]
public sealed record TrainingRecord(
    string Checkpoint,
    string ModelVersion,
    int Examples,
    int Steps,
    int Epochs,
    double FinalLoss,
    long Tokens,
    double Seconds,
    double TokensPerSecond,
    string Device,
    IReadOnlyList<double>? DevScores = null,
    int? BestEpoch = null,
    string? DevMetric = null,
    PromptFit? Prompts = null,
    string? Base = null,
    string? BaseVersion = null,
    string? SharedFrom = null);
