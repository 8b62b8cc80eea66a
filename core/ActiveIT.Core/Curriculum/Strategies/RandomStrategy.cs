namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>A seeded shuffle: the baseline every comparison is paired against.</summary>
internal sealed class RandomStrategy : SelectionStrategy
{
    public override string Name => "random";

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count)
    {
        var shuffled = byId.ToArray();
        context.Random.Shuffle(shuffled);
        return shuffled.Select(c => c.TaskId);
    }
}
