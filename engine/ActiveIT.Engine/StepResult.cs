namespace ActiveIT.Engine;

/// <summary>One optimiser step: mean target-token loss, gradient norm before clipping, learning rate used.</summary>
public readonly record struct StepResult(float Loss, float GradNorm, float LearningRate, int TargetTokens);
