namespace ActiveIT.Engine;

/// <summary>What a <see cref="TrainingLoop"/> did: steps, final loss (mean of the last epoch), tokens and time.</summary>
public sealed record TrainingRun(int Steps, int Epochs, float FinalLoss, long TargetTokens, long Tokens, double Seconds)
{
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;
}
