using ActiveIT.Core.Metrics;
using ActiveIT.Grains.Diversity;

namespace ActiveIT.Runs.Diversity;

/// <summary>
/// Whether a curve may be read (methods.md §3): seen-rule accuracy at its largest instruction count, against
/// <see cref="DiversityConfig.ConvergedSeenAccuracy"/>. One per power-law α.
/// </summary>
public sealed record DiversityConvergence(double Alpha, int LargestCount, double SeenMean, bool Converged);

/// <summary>One step of the unseen-rule curve, from one instruction count to the next, tested across seeds (paired by
/// seed); Low..High is the 95 % interval of the mean change.</summary>
public sealed record DiversityStep(double Alpha, int From, int To, int Pairs, int SeedsUp, double MeanChange, double StdChange, double T, double P,
    double Low = double.NaN, double High = double.NaN);

public static class DiversityChecks
{
    public static IReadOnlyList<DiversityConvergence> Convergence(IReadOnlyList<DiversitySummary> summary) => summary
        .GroupBy(s => s.Alpha)
        .Select(g => g.MaxBy(s => s.Instructions)!)
        .Select(top => new DiversityConvergence(top.Alpha, top.Instructions, top.SeenMean, top.SeenMean >= DiversityConfig.ConvergedSeenAccuracy))
        .ToArray();

    public static IReadOnlyList<DiversityStep> Steps(IReadOnlyList<DiversityPointResult> results)
    {
        var steps = new List<DiversityStep>();
        foreach (var byAlpha in results.GroupBy(r => r.Alpha).OrderByDescending(g => g.Key))
        {
            var counts = byAlpha.Select(r => r.Instructions).Distinct().Order().ToArray();
            for (var i = 1; i < counts.Length; i++)
            {
                var before = byAlpha.Where(r => r.Instructions == counts[i - 1]).ToDictionary(r => r.Seed, r => r.Unseen.Value);
                var after = byAlpha.Where(r => r.Instructions == counts[i]).ToDictionary(r => r.Seed, r => r.Unseen.Value);
                var seeds = before.Keys.Intersect(after.Keys).Order().ToArray();
                var test = PairedTTest.Of([.. seeds.Select(s => before[s])], [.. seeds.Select(s => after[s])]);
                var (low, high) = test.Interval();
                steps.Add(new DiversityStep(byAlpha.Key, counts[i - 1], counts[i], seeds.Length, seeds.Count(s => after[s] > before[s]),
                    test.MeanDifference, test.StdDifference, test.T, test.P, low, high));
            }
        }
        return steps;
    }
}
