using ActiveIT.Core.Rewriting;

namespace ActiveIT.Runs.Diversity;

/// <summary>One trained model: an instruction count at one seed (and power-law α), its accuracies and its costs.
/// EffectiveInstructions counts the rules that got training examples; Overlap is how much of the unseen rules'
/// patterns and replacements training used; UnseenByLength splits the unseen accuracy by length class (null in results
/// stored before it existed).</summary>
public sealed record DiversityPointResult(
    int Instructions,
    double ExamplesPerInstruction,
    ulong Seed,
    double Alpha,
    int EffectiveInstructions,
    double PerplexityInstructions,
    UnseenOverlap Overlap,
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
    double TrainTokensPerSecond,
    UnseenByLength? UnseenByLength = null);
