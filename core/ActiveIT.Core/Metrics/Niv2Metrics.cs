namespace ActiveIT.Core.Metrics;

/// <summary>Per-instance NIV2 scores: the best over the references, as NIV2's `metric_max_over_ground_truths`.</summary>
public static class Niv2Metrics
{
    public static double RougeL(string prediction, IReadOnlyList<string> references) =>
        references.Count == 0 ? 0 : references.Max(r => Metrics.RougeL.F1(prediction, r));

    public static double ExactMatch(string prediction, IReadOnlyList<string> references) =>
        references.Any(r => Metrics.ExactMatch.Matches(prediction, r)) ? 1 : 0;
}
