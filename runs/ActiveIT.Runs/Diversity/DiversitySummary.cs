using ActiveIT.Core.Metrics;

namespace ActiveIT.Runs.Diversity;

/// <summary>Mean and sample standard deviation over seeds, per (power-law α, instruction count); UnseenLow..UnseenHigh is
/// the 95 % t interval of the unseen-rule mean over seeds (NaN with one seed).</summary>
public sealed record DiversitySummary(double Alpha, int Instructions, double ExamplesPerInstruction, int Seeds,
    double UnseenMean, double UnseenStd, double SeenMean, double SeenStd, double UnseenHasOpMean, double UnseenNoOpMean,
    double EffectiveInstructionsMean, double OverlapPatternMean, double OverlapEitherMean, double UnseenLow, double UnseenHigh)
{
    public static IReadOnlyList<DiversitySummary> From(IEnumerable<DiversityPointResult> results) => results
        .GroupBy(r => (r.Alpha, r.Instructions))
        .OrderByDescending(g => g.Key.Alpha)
        .ThenBy(g => g.Key.Instructions)
        .Select(g => new DiversitySummary(g.Key.Alpha, g.Key.Instructions, g.First().ExamplesPerInstruction, g.Count(),
            Mean(g, r => r.Unseen.Value), Std(g, r => r.Unseen.Value), Mean(g, r => r.Seen.Value), Std(g, r => r.Seen.Value),
            Mean(g, r => r.UnseenHasOp.Value), Mean(g, r => r.UnseenNoOp.Value),
            Mean(g, r => r.EffectiveInstructions), Mean(g, r => r.Overlap.Pattern), Mean(g, r => r.Overlap.Either),
            MeanInterval([.. g.Select(r => r.Unseen.Value)]).Low, MeanInterval([.. g.Select(r => r.Unseen.Value)]).High))
        .ToArray();

    /// <summary>The mean and its 95 % t interval, mean ± t*(n − 1) · std / √n; NaN bounds with fewer than two values.</summary>
    public static (double Mean, double Low, double High) MeanInterval(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }
        var mean = values.Average();
        if (values.Count < 2)
        {
            return (mean, double.NaN, double.NaN);
        }
        var half = PairedTTest.CriticalT(0.05, values.Count - 1) * Std(values) / Math.Sqrt(values.Count);
        return (mean, mean - half, mean + half);
    }

    private static double Mean(IEnumerable<DiversityPointResult> g, Func<DiversityPointResult, double> f) => g.Select(f).Average();

    private static double Std(IEnumerable<DiversityPointResult> g, Func<DiversityPointResult, double> f) => Std([.. g.Select(f)]);

    private static double Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
