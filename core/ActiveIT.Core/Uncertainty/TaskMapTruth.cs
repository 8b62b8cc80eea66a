namespace ActiveIT.Core.Uncertainty;

/// <summary>
/// The task map checked against known ground truth (issue #13): on a pool with injected ambiguous tasks
/// (underspecified instructions) and noisy tasks (corrupted labels), how many land where the map's reading says
/// they should — ambiguous ones in "ambiguous", noisy ones in "difficult". Precision is the share of the category
/// that was injected; recall the share of the injected tasks the category caught.
/// </summary>
public static class TaskMapTruth
{
    public sealed record Row(string Injected, TaskMapCategory Category, int Injections, int CategorySize, int Hits, double Precision, double Recall);

    /// <summary>The pairs the map is expected to find.</summary>
    public static readonly (string Injected, TaskMapCategory Category)[] Expected =
        [("ambiguous", TaskMapCategory.Ambiguous), ("noisy", TaskMapCategory.Difficult)];

    /// <summary>Every (injected kind, category) count, tasks without a ground-truth label left out; expected pairs first.</summary>
    public static IReadOnlyList<Row> Check(IReadOnlyList<TaskMap.Entry> entries, IReadOnlyDictionary<string, string> injectedByTask)
    {
        var labelled = entries.Where(e => injectedByTask.ContainsKey(e.TaskId)).ToArray();
        var kinds = labelled.Select(e => injectedByTask[e.TaskId]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var rows = new List<Row>();
        foreach (var kind in kinds)
        {
            var injections = labelled.Count(e => injectedByTask[e.TaskId] == kind);
            foreach (var category in Enum.GetValues<TaskMapCategory>())
            {
                var size = labelled.Count(e => e.Category == category);
                var hits = labelled.Count(e => e.Category == category && injectedByTask[e.TaskId] == kind);
                rows.Add(new Row(kind, category, injections, size, hits, size == 0 ? double.NaN : (double)hits / size, (double)hits / injections));
            }
        }
        return [.. rows.OrderBy(r => Array.IndexOf(Expected, (r.Injected, r.Category)) is var i && i >= 0 ? i : Expected.Length)
            .ThenBy(r => r.Injected, StringComparer.Ordinal).ThenBy(r => r.Category)];
    }

    /// <summary>
    /// Injected tasks of one kind found by ranking every labelled task on one score (<paramref name="highFirst"/>: high
    /// values flag): the precision at the shortest head of the ranking that catches half of them (the bar issue #25 sets:
    /// precision ≥ 0.6 at recall ≥ 0.5), and precision and recall in the top third (the map's own cut).
    /// </summary>
    public sealed record RankRow(string Injected, string Score, int Injections, int Tasks, int HeadAtHalfRecall, double PrecisionAtHalfRecall,
        double PrecisionTopThird, double RecallTopThird);

    /// <summary>
    /// Each axis as a ranking of its own against the injected kinds: the map's two (prompt uncertainty for ambiguous
    /// tasks, low prediction probability for noisy ones) beside the label-aware one (label loss, for both) where the
    /// scores have it; kinds the pool does not inject are left out.
    /// </summary>
    public static IReadOnlyList<RankRow> RankAxes(IReadOnlyList<TaskMap.Point> points, IReadOnlyDictionary<string, double> labelLoss,
        IReadOnlyDictionary<string, string> injectedByTask)
    {
        var uncertainty = points.ToDictionary(p => p.TaskId, p => p.PromptUncertainty);
        var probability = points.ToDictionary(p => p.TaskId, p => p.PredictionProbability);
        RankRow[] rows =
        [
            Rank(labelLoss, injectedByTask, "noisy", "label loss (high first)", highFirst: true),
            Rank(probability, injectedByTask, "noisy", "prediction probability (low first)", highFirst: false),
            Rank(uncertainty, injectedByTask, "ambiguous", "prompt uncertainty (high first)", highFirst: true),
            Rank(labelLoss, injectedByTask, "ambiguous", "label loss (high first)", highFirst: true),
        ];
        return [.. rows.Where(r => r.Injections > 0)];
    }

    public static RankRow Rank(IReadOnlyDictionary<string, double> scores, IReadOnlyDictionary<string, string> injectedByTask, string kind, string scoreName,
        bool highFirst)
    {
        var ranked = scores.Where(x => injectedByTask.ContainsKey(x.Key)).OrderBy(x => x.Key, StringComparer.Ordinal).ToArray();
        ranked = highFirst ? [.. ranked.OrderByDescending(x => x.Value)] : [.. ranked.OrderBy(x => x.Value)];  // stable: ties by task id
        var hit = ranked.Select(x => injectedByTask[x.Key] == kind).ToArray();
        var injections = hit.Count(h => h);
        if (injections == 0)
        {
            return new RankRow(kind, scoreName, 0, ranked.Length, 0, double.NaN, double.NaN, double.NaN);
        }
        var (head, found) = (0, 0);
        while (found * 2 < injections)
        {
            found += hit[head++] ? 1 : 0;
        }
        var third = (int)Math.Ceiling(ranked.Length / 3.0);
        var inThird = hit.Take(third).Count(h => h);
        return new RankRow(kind, scoreName, injections, ranked.Length, head, (double)found / head, (double)inThird / third, (double)inThird / injections);
    }
}
