namespace ActiveIT.Runs.Pretraining;

/// <summary>What a pretraining did: the checkpoint, and whether it came from the cache.</summary>
public sealed record PretrainResult(string Path, bool Cached, double Seconds, float FinalLoss, double TokensPerSecond, long Tokens);
