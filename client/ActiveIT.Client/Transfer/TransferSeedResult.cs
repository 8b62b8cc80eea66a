namespace ActiveIT.Client.Transfer;

/// <summary>
/// One seed of the experiment: the held-out cases, the training tasks' unification (greedy and denoised, one case each),
/// every evaluation, timings and losses, and which model scored on which instances.
/// </summary>
internal sealed record TransferSeedResult(ulong Seed, IReadOnlyList<TransferCaseResult> Cases, IReadOnlyList<TransferEvalResult> Evals,
    IReadOnlyDictionary<string, double> Seconds, IReadOnlyDictionary<string, double> FinalLoss, TransferScoringRecord Scoring,
    IReadOnlyList<TransferCaseResult> TrainingCases);
