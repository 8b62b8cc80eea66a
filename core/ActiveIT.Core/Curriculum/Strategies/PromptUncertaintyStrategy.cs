namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>Active-IT's prompt uncertainty (methods.md §1), highest first.</summary>
internal sealed class PromptUncertaintyStrategy : SelectionStrategy
{
    public override string Name => "prompt-uncertainty";

    public override bool NeedsScores => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        byId.OrderByDescending(c => c.PromptUncertainty).Select(c => c.TaskId);
}
