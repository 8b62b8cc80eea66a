namespace ActiveIT.Client.Bench;

/// <summary>
/// One row of `activeit bench engine`: one model (the engine, or the nanoGPT-style reference in bench/) at one precision,
/// the median of its interleaved rounds. Serialised as one JSON object per line with --json. <see cref="TrainStateMib"/> is
/// computed (weights, plus gradients and AdamW moments of the trained ones), not measured.
/// </summary>
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
    int ScoreSteps,
    string Model,
    string Precision,
    double MatmulPeakFp32Gflops,
    double MatmulPeakBf16Gflops,
    string Cpu,
    bool CpuHasBf16Units,
    int Rounds,
    double TrainVsReference,
    double ScoreVsReference,
    long TrainableParameters,
    double TrainStateMib);
