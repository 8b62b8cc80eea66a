using ActiveIT.Core.Metrics;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// Each experiment against a baseline, round by round, paired by seed: strategies of one seed share the split, the
/// base model and the evaluation instances, so the per-seed difference removes what they share. The 95 % interval
/// is the t interval over the seeds both finished; per category (a families pool's family) as well as overall. Beside it,
/// the spread of the per-seed differences and the smallest true difference this many seeds detect with 80 % power at
/// that spread (<see cref="PairedPower"/>): an interval that spans 0 says little when that difference is large.
/// </summary>
public sealed record PairedDifference(string Experiment, string Baseline, int Round, string Category, int Seeds, double Mean, double Low, double High,
    double Sd, double MinimumDetectable)
{
    public const string Overall = SeedScores.Overall;

    /// <summary>The baseline: the named experiment, or the mean of several named ones (comma-separated: draws of random,
    /// <see cref="SeedScores.MeanOf"/>), else the first random one, else the first.</summary>
    public static SeedScores ChooseBaseline(IReadOnlyList<SeedScores> experiments, string? name)
    {
        if (name is null)
        {
            return experiments.FirstOrDefault(e => e.Strategy == "random") ?? experiments[0];
        }
        var draws = name.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => experiments.FirstOrDefault(e => e.Experiment == n) ?? throw new ArgumentException($"--baseline '{n}' is not among the compared experiments"))
            .ToArray();
        return draws.Length switch
        {
            0 => throw new ArgumentException("--baseline: no experiment named"),
            1 => draws[0],
            _ when draws.DistinctBy(d => d.Experiment).Count() < draws.Length => throw new ArgumentException($"--baseline '{name}' names an experiment twice"),
            _ => SeedScores.MeanOf(draws),
        };
    }

    public static IReadOnlyList<PairedDifference> Of(IReadOnlyList<SeedScores> experiments, SeedScores baseline)
    {
        var rows = new List<PairedDifference>();
        foreach (var experiment in experiments.Where(e => !baseline.Members.Contains(e.Experiment)))
        {
            foreach (var ((round, category), values) in experiment.Values.OrderBy(x => x.Key.Round).ThenBy(x => x.Key.Category == Overall ? "" : x.Key.Category, StringComparer.Ordinal))
            {
                if (!baseline.Values.TryGetValue((round, category), out var baseValues))
                {
                    continue;
                }
                var seeds = values.Keys.Intersect(baseValues.Keys).Order().ToArray();
                if (seeds.Length == 0)
                {
                    continue;
                }
                var test = PairedTTest.Of([.. seeds.Select(s => baseValues[s])], [.. seeds.Select(s => values[s])]);
                var (low, high) = test.Interval();
                rows.Add(new PairedDifference(experiment.Experiment, baseline.Experiment, round, category, seeds.Length, test.MeanDifference, low, high,
                    test.StdDifference, PairedPower.MinimumDetectableDifference(test.StdDifference, seeds.Length)));
            }
        }
        return rows;
    }
}
