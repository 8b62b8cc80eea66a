namespace ActiveIT.Runs.Scoring;

/// <summary>One task's scores in a pool under one (model version, scorer config); Cached when no model call was needed.</summary>
public sealed record PoolScoreResult(string TaskId, double PromptUncertainty, double PredictionProbability, double Perplexity, bool Cached);
