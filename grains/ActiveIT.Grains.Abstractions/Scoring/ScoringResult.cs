namespace ActiveIT.Grains.Scoring;

/// <summary>What a finished scoring run reports: the cache key its scores are stored under, how many were computed or found cached, and which it computed.</summary>
public sealed record ScoringResult(string Key, int Tasks, int Scored, int Cached, IReadOnlyList<string> ScoredTaskIds, long? PoolVersion = null,
    string? PoolDigest = null);
