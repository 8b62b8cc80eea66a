namespace ActiveIT.Runs.Diversity;

/// <summary>Mean and sample standard deviation over seeds, per (power-law α, instruction count).</summary>
public sealed record DiversitySummary(double Alpha, int Instructions, double ExamplesPerInstruction, int Seeds,
    double UnseenMean, double UnseenStd, double SeenMean, double SeenStd, double UnseenHasOpMean, double UnseenNoOpMean,
    double EffectiveInstructionsMean, double OverlapPatternMean, double OverlapEitherMean)
{
    public static IReadOnlyList<DiversitySummary> From(IEnumerable<DiversityPointResult> results) => results
        .GroupBy(r => (r.Alpha, r.Instructions))
        .OrderByDescending(g => g.Key.Alpha)
        .ThenBy(g => g.Key.Instructions)
        .Select(g => new DiversitySummary(g.Key.Alpha, g.Key.Instructions, g.First().ExamplesPerInstruction, g.Count(),
            Mean(g, r => r.Unseen.Value), Std(g, r => r.Unseen.Value), Mean(g, r => r.Seen.Value), Std(g, r => r.Seen.Value),
            Mean(g, r => r.UnseenHasOp.Value), Mean(g, r => r.UnseenNoOp.Value),
            Mean(g, r => r.EffectiveInstructions), Mean(g, r => r.Overlap.Pattern), Mean(g, r => r.Overlap.Either)))
        .ToArray();

    private static double Mean(IEnumerable<DiversityPointResult> g, Func<DiversityPointResult, double> f) => g.Select(f).Average();

    private static double Std(IEnumerable<DiversityPointResult> g, Func<DiversityPointResult, double> f)
    {
        var values = g.Select(f).ToArray();
        if (values.Length < 2)
        {
            return 0;
        }
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
