namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>The whole pool in one round (the ceiling): every candidate, by id.</summary>
internal sealed class FullyTrainedStrategy : SelectionStrategy
{
    public override string Name => "fully-trained";

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) => byId.Select(c => c.TaskId);
}
