namespace ActiveIT.Engine;

/// <summary>Reported after every optimiser step of a <see cref="TrainingLoop"/>.</summary>
public readonly record struct TrainingProgress(int Step, int TotalSteps, int Epoch, StepResult Result, double ElapsedSeconds, long TargetTokens);
