namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>The "longest responses" baseline: longest mean reference output of the task's training instances first; no model.</summary>
internal sealed class LongestResponseStrategy : SelectionStrategy
{
    public override string Name => "longest-response";

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        byId.OrderByDescending(c => c.ResponseLength).Select(c => c.TaskId);
}
