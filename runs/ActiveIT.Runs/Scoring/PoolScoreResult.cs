namespace ActiveIT.Runs.Scoring;

/// <summary>One task's scores in a pool under one (model version, scorer config); Cached when no model call was needed.
/// Label loss and IFD (<see cref="ActiveIT.Core.Uncertainty.LabelScores"/>) are null for a task without reference outputs.</summary>
public sealed record PoolScoreResult(string TaskId, double PromptUncertainty, double PredictionProbability, double Perplexity, bool Cached,
    double? LabelLoss = null, double? Ifd = null);
