namespace ActiveIT.Client.Diversity;

/// <summary>One trained model: an instruction count at one seed, its accuracies and its costs.</summary>
internal sealed record DiversityPointResult(
    int Instructions,
    double ExamplesPerInstruction,
    ulong Seed,
    Accuracy Unseen,
    Accuracy UnseenHasOp,
    Accuracy UnseenNoOp,
    Accuracy Seen,
    Accuracy SeenHasOp,
    Accuracy SeenNoOp,
    float FinalLoss,
    int Steps,
    double TrainSeconds,
    double EvalSeconds,
    double TrainTokensPerSecond);
