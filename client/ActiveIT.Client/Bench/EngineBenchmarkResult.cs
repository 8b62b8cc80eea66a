namespace ActiveIT.Client.Bench;

/// <summary>One row of `activeit bench engine`; serialised as one JSON object per line with --json.</summary>
internal sealed record EngineBenchmarkResult(
    string Config,
    int Layers,
    int Heads,
    int DModel,
    int SeqLen,
    int Batch,
    long Parameters,
    string Device,
    int Threads,
    double TrainStepMs,
    double TrainTokensPerS,
    double TrainTargetTokensPerS,
    double ScoreTokensPerS,
    double TrainGflops,
    double ScoreGflops,
    double MatmulPeakGflops,
    double TrainShareOfPeak,
    double ScoreShareOfPeak,
    int TrainSteps,
    int ScoreSteps);
