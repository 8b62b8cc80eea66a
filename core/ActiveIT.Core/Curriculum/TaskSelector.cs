using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Core.Curriculum;

/// <summary>
/// Picks <c>count</c> tasks from the candidates by a strategy. Rankings break ties by task id, so the same scores
/// give the same selection whatever the input order. With class balance, classification and generation tasks are
/// picked in the candidates' proportion (the paper's 24 + 44 of 68), each part by the same ranking.
/// </summary>
public static class TaskSelector
{
    public static IReadOnlyList<string> Select(IReadOnlyList<SelectionCandidate> candidates, SelectionStrategy strategy, int count,
        bool classBalance, SeededRandom random, double ambiguousShare = 1.0 / 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (strategy == SelectionStrategy.FullyTrained || count >= candidates.Count)
        {
            return [.. Rank(candidates, strategy, random, ambiguousShare)];
        }
        if (!classBalance)
        {
            return [.. Rank(candidates, strategy, random, ambiguousShare).Take(count)];
        }
        var classification = candidates.Where(c => c.Classification).ToArray();
        var generation = candidates.Where(c => !c.Classification).ToArray();
        var classificationCount = Math.Min(classification.Length,
            (int)Math.Round(count * (double)classification.Length / candidates.Count, MidpointRounding.AwayFromZero));
        var generationCount = Math.Min(generation.Length, count - classificationCount);
        classificationCount = count - generationCount;  // when one kind runs out, the other fills the round
        return [.. Rank(classification, strategy, random, ambiguousShare).Take(classificationCount),
                .. Rank(generation, strategy, random, ambiguousShare).Take(generationCount)];
    }

    /// <summary>All candidates, most preferred first.</summary>
    private static IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> candidates, SelectionStrategy strategy, SeededRandom random, double ambiguousShare)
    {
        var byId = candidates.OrderBy(c => c.TaskId, StringComparer.Ordinal).ToArray();
        switch (strategy)
        {
            case SelectionStrategy.Random:
                random.Shuffle(byId);
                return byId.Select(c => c.TaskId);
            case SelectionStrategy.FullyTrained:
                return byId.Select(c => c.TaskId);
            case SelectionStrategy.PromptUncertainty:
                return byId.OrderByDescending(c => c.PromptUncertainty).Select(c => c.TaskId);
            case SelectionStrategy.HighPerplexity:
                return byId.OrderByDescending(c => c.Perplexity).Select(c => c.TaskId);
            case SelectionStrategy.LowPerplexity:
                return byId.OrderBy(c => c.Perplexity).Select(c => c.TaskId);
            default:
                return ByMapCategory(byId, strategy, ambiguousShare);
        }
    }

    /// <summary>
    /// Tasks of the wanted task-map category first — ambiguous by descending PU, easy by descending PP, difficult by
    /// ascending PP — then, when the category has fewer tasks than a round needs, the rest in the same order.
    /// </summary>
    private static IEnumerable<string> ByMapCategory(SelectionCandidate[] candidates, SelectionStrategy strategy, double ambiguousShare)
    {
        var (wanted, key, descending) = strategy switch
        {
            SelectionStrategy.Ambiguous => (TaskMapCategory.Ambiguous, (Func<SelectionCandidate, double>)(c => c.PromptUncertainty), true),
            SelectionStrategy.Easy => (TaskMapCategory.Easy, c => c.PredictionProbability, true),
            SelectionStrategy.Difficult => (TaskMapCategory.Difficult, c => c.PredictionProbability, false),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
        };
        var map = TaskMap.Categorize([.. candidates.Select(c => new TaskMap.Point(c.TaskId, c.PromptUncertainty, c.PredictionProbability))], ambiguousShare)
            .ToDictionary(e => e.TaskId, e => e.Category);
        var ordered = descending ? candidates.OrderByDescending(key) : candidates.OrderBy(key);
        return ordered.OrderBy(c => map[c.TaskId] == wanted ? 0 : 1).Select(c => c.TaskId);
    }
}
