namespace ActiveIT.Engine;

/// <summary>AdamW and its schedule: linear warm-up over <see cref="WarmupSteps"/>, then decay to <see cref="MinLrRatio"/>·lr by <see cref="TotalSteps"/>.</summary>
public sealed record TrainingConfig(
    float LearningRate = 1e-3f,
    int TotalSteps = 1000,
    int WarmupSteps = 0,
    LrSchedule Schedule = LrSchedule.Linear,
    float WeightDecay = 0.01f,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Eps = 1e-8f,
    float GradClip = 1.0f,
    float MinLrRatio = 0f);
