namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>Active-IT's perplexity baselines: the mean perplexity of the model's own greedy answers, highest or lowest first.</summary>
internal sealed class PerplexityStrategy(bool highFirst) : SelectionStrategy
{
    public override string Name => highFirst ? "high-perplexity" : "low-perplexity";

    public override bool NeedsScores => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count) =>
        (highFirst ? byId.OrderByDescending(c => c.Perplexity) : byId.OrderBy(c => c.Perplexity)).Select(c => c.TaskId);
}
