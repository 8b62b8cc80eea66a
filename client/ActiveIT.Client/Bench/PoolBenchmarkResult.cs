namespace ActiveIT.Client.Bench;

/// <summary>One row of `activeit bench pool`. <see cref="ListHeadMs"/> and <see cref="ListVersionMs"/>: the median of
/// three first reads of the whole pool at its head and at an earlier version.</summary>
internal sealed record PoolBenchmarkResult(
    string Storage,
    int Niv2Tasks,
    int Niv2Instances,
    double ReadSeconds,
    double ImportSeconds,
    double InstancesPerS,
    double TasksPerS,
    int PoolSize,
    double BuildPoolSeconds,
    double AddTenMedianMs,
    double AddTenMinMs,
    double AddTenMaxMs,
    int ScoredTasks,
    double ScoreWritesPerS,
    double ScoreReadsPerS,
    double ListHeadMs,
    double ListVersionMs);
