using ActiveIT.Core.Uncertainty;

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
    private static IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> candidates, SelectionStrategy strategy, SeededRandom random, double ambiguousShare, int count)
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
            case SelectionStrategy.Ifd:
                return byId.OrderBy(c => c.Ifd is < 1 ? 0 : c.Ifd is not null ? 1 : 2).ThenByDescending(c => c.Ifd ?? 0).Select(c => c.TaskId);
            case SelectionStrategy.LongestResponse:
                return byId.OrderByDescending(c => c.ResponseLength).Select(c => c.TaskId);
            case SelectionStrategy.GradientSimilarity:
                return byId.OrderByDescending(c => c.GradientSimilarity).Select(c => c.TaskId);
            case SelectionStrategy.HiddenSimilarity:
                return byId.OrderByDescending(c => c.HiddenSimilarity).Select(c => c.TaskId);
            case SelectionStrategy.DiverseUncertainty:
                return DiverseUncertainty(byId, count);
            default:
                return ByMapCategory(byId, strategy, ambiguousShare);
        }
    }

    /// <summary>
    /// The 2 × <paramref name="count"/> most uncertain tasks traversed farthest-first in hidden-state space (cosine
    /// distance; start at the most uncertain; each next task is the one farthest from all taken, ties to the more
    /// uncertain), then the rest by descending prompt uncertainty.
    /// </summary>
    private static IEnumerable<string> DiverseUncertainty(SelectionCandidate[] byId, int count)
    {
        var byUncertainty = byId.OrderByDescending(c => c.PromptUncertainty).ToList();
        var shortlist = byUncertainty.Take(Math.Max(1, 2 * count)).ToList();
        if (shortlist.Any(c => c.Hidden is null))
        {
            throw new ArgumentException("diverse-uncertainty needs every candidate's hidden-state features");
        }
        var taken = new List<SelectionCandidate>();
        var nearest = shortlist.ToDictionary(c => c.TaskId, _ => double.PositiveInfinity);
        while (shortlist.Count > 0)
        {
            var next = taken.Count == 0 ? shortlist[0] : shortlist.MaxBy(c => nearest[c.TaskId])!;  // MaxBy keeps the first (most uncertain) on ties
            taken.Add(next);
            shortlist.Remove(next);
            foreach (var c in shortlist)
            {
                nearest[c.TaskId] = Math.Min(nearest[c.TaskId], 1 - FeatureVectors.Cosine(c.Hidden!, next.Hidden!));
            }
        }
        var first = taken.Select(c => c.TaskId).ToHashSet(StringComparer.Ordinal);
        return taken.Select(c => c.TaskId).Concat(byUncertainty.Where(c => !first.Contains(c.TaskId)).Select(c => c.TaskId));
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
