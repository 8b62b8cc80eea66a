namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>
/// Cherry-LLM's instruction-following difficulty per task (<see cref="Uncertainty.LabelScores"/>): highest first among
/// tasks below 1; then those at or above 1 (the instruction does not help predict the labels: Cherry-LLM drops them);
/// then tasks without references.
/// </summary>
internal sealed class IfdStrategy : SelectionStrategy
{
    public override string Name => "ifd";

    public override bool NeedsScores => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        byId.OrderBy(c => c.Ifd is < 1 ? 0 : c.Ifd is not null ? 1 : 2).ThenByDescending(c => c.Ifd ?? 0).Select(c => c.TaskId);
}
