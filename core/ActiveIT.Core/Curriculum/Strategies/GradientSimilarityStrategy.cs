namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>In the manner of LESS: the cosine between a task's (count-sketched) loss gradient under the current model and
/// the dev tasks' mean gradient direction, highest first (docs/selection.md).</summary>
internal sealed class GradientSimilarityStrategy : SelectionStrategy
{
    public override string Name => "gradient-similarity";

    public override bool NeedsFeatures => true;

    public override bool NeedsTarget => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        byId.OrderByDescending(c => c.GradientSimilarity).Select(c => c.TaskId);
}
