namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>
/// Selection toward the dev tasks, highest cosine first (docs/selection.md): by gradients in the manner of LESS (a
/// task's count-sketched loss gradient under the current model against the dev tasks' mean gradient direction), or
/// by hidden states in the manner of RDS+ (a task's mean-pooled last-layer states against the dev tasks' mean direction).
/// </summary>
internal sealed class TargetSimilarityStrategy(bool byGradient) : SelectionStrategy
{
    public override string Name => byGradient ? "gradient-similarity" : "hidden-similarity";

    public override bool NeedsFeatures => true;

    public override bool NeedsTarget => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        byId.OrderByDescending(c => byGradient ? c.GradientSimilarity : c.HiddenSimilarity).Select(c => c.TaskId);
}
