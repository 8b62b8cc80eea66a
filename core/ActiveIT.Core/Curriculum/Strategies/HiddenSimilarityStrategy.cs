namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>In the manner of RDS+: the cosine between a task's mean-pooled last-layer hidden state and the dev tasks' mean
/// direction, highest first (docs/selection.md).</summary>
internal sealed class HiddenSimilarityStrategy : SelectionStrategy
{
    public override string Name => "hidden-similarity";

    public override bool NeedsFeatures => true;

    public override bool NeedsTarget => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        byId.OrderByDescending(c => c.HiddenSimilarity).Select(c => c.TaskId);
}
