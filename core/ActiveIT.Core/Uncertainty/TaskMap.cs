namespace ActiveIT.Core.Uncertainty;

/// <summary>
/// Categorises tasks by rank. The paper published no thresholds; the default rule splits by rank into equal
/// thirds: the top third by PU is ambiguous, the rest split at the median PP into easy (higher) and difficult.
/// <paramref name="ambiguousShare"/> moves the first cut; the rule is reported with every map.
/// </summary>
public static class TaskMap
{
    public sealed record Point(string TaskId, double PromptUncertainty, double PredictionProbability);

    public sealed record Entry(string TaskId, double PromptUncertainty, double PredictionProbability, TaskMapCategory Category);

    public static string Rule(double ambiguousShare) =>
        $"rank rule: top {ambiguousShare:P0} by prompt uncertainty = ambiguous; the rest split at their median prediction probability (higher = easy)";

    public static IReadOnlyList<Entry> Categorize(IReadOnlyList<Point> points, double ambiguousShare = 1.0 / 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ambiguousShare, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ambiguousShare, 1.0);
        // Ties broken by task id so the map is the same for the same scores, whatever the input order.
        var byUncertainty = points.OrderByDescending(p => p.PromptUncertainty).ThenBy(p => p.TaskId, StringComparer.Ordinal).ToArray();
        var ambiguous = (int)Math.Round(points.Count * ambiguousShare, MidpointRounding.AwayFromZero);
        var rest = byUncertainty.Skip(ambiguous).OrderByDescending(p => p.PredictionProbability).ThenBy(p => p.TaskId, StringComparer.Ordinal).ToArray();
        var easy = (rest.Length + 1) / 2;
        var categories = new Dictionary<string, TaskMapCategory>(StringComparer.Ordinal);
        foreach (var p in byUncertainty.Take(ambiguous))
        {
            categories[p.TaskId] = TaskMapCategory.Ambiguous;
        }
        for (var i = 0; i < rest.Length; i++)
        {
            categories[rest[i].TaskId] = i < easy ? TaskMapCategory.Easy : TaskMapCategory.Difficult;
        }
        return [.. points.Select(p => new Entry(p.TaskId, p.PromptUncertainty, p.PredictionProbability, categories[p.TaskId]))];
    }
}
