namespace ActiveIT.Core.Curriculum;

/// <summary>
/// Picks <c>count</c> tasks from the candidates by a strategy. Rankings break ties by task id, so the same scores
/// give the same selection whatever the input order. With class balance, each round takes a fixed share of
/// classification tasks — the paper's ⌊68 · 0.356⌋ = 24 of 68 — or, with a null share, the remaining candidates'
/// proportion; generation tasks fill the rest, and each part is ranked by the strategy on its own (so the task-map
/// strategies categorise within each class).
/// </summary>
public static class TaskSelector
{
    /// <summary>The classification share of every round in the paper's runs (methods.md §1).</summary>
    public const double PaperClassShare = 0.356;

    public static IReadOnlyList<string> Select(IReadOnlyList<SelectionCandidate> candidates, SelectionStrategy strategy, int count,
        bool classBalance, SeededRandom random, double ambiguousShare = 1.0 / 3, double? classShare = PaperClassShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (strategy == SelectionStrategy.FullyTrained || count >= candidates.Count)
        {
            return [.. Rank(candidates, strategy, random, ambiguousShare, count)];
        }
        if (!classBalance)
        {
            return [.. Rank(candidates, strategy, random, ambiguousShare, count).Take(count)];
        }
        var classification = candidates.Where(c => c.Classification).ToArray();
        var generation = candidates.Where(c => !c.Classification).ToArray();
        var wanted = classShare is { } share
            ? (int)Math.Floor(count * share + 1e-9)
            : (int)Math.Round(count * (double)classification.Length / candidates.Count, MidpointRounding.AwayFromZero);
        var classificationCount = Math.Min(classification.Length, wanted);
        var generationCount = Math.Min(generation.Length, count - classificationCount);
        classificationCount = count - generationCount;  // when one kind runs out, the other fills the round
        return [.. Rank(classification, strategy, random, ambiguousShare, classificationCount).Take(classificationCount),
                .. Rank(generation, strategy, random, ambiguousShare, generationCount).Take(generationCount)];
    }

    /// <summary>All candidates, most preferred first; <paramref name="count"/> is how many will be taken.</summary>
    private static IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> candidates, SelectionStrategy strategy, SeededRandom random, double ambiguousShare, int count) =>
        strategy.Rank([.. candidates.OrderBy(c => c.TaskId, StringComparer.Ordinal)], new SelectionContext(random, ambiguousShare), count);
}
