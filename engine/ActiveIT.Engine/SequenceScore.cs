namespace ActiveIT.Engine;

/// <summary>Sum of target-token log-probabilities (natural log) and how many target tokens there were.</summary>
public readonly record struct SequenceScore(double LogProbSum, int TokenCount)
{
    /// <summary>exp(mean log-probability): the length-normalised likelihood used by prompt uncertainty.</summary>
    public double MeanProbability => TokenCount == 0 ? double.NaN : Math.Exp(LogProbSum / TokenCount);
}
