namespace ActiveIT.Grains.Pretraining;

/// <summary>One seed's base as a pretraining run reports it.</summary>
public sealed record PretrainedBase(ulong Seed, string File, bool Cached, double Seconds, float FinalLoss, double TokensPerSecond, long Tokens);
