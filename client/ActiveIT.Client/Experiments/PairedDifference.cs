using ActiveIT.Core.Metrics;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// Each experiment against a baseline, round by round, paired by seed: strategies of one seed share the split, the
/// base model and the evaluation instances, so the per-seed difference removes what they share. The 95 % interval
/// is the t interval over the seeds both finished; per category (a families pool's family) as well as overall.
/// </summary>
internal sealed record PairedDifference(string Experiment, string Baseline, int Round, string Category, int Seeds, double Mean, double Low, double High)
{
    public const string Overall = "(overall)";

    /// <summary>The baseline: the named experiment, else the first random one, else the first.</summary>
    public static Experiment ChooseBaseline(IReadOnlyList<Experiment> experiments, string? name) =>
        name is not null
            ? experiments.FirstOrDefault(e => e.Name == name) ?? throw new ArgumentException($"--baseline '{name}' is not among the compared experiments")
            : experiments.FirstOrDefault(e => e.Config.Strategy == "random") ?? experiments[0];

    public static IReadOnlyList<PairedDifference> Of(IReadOnlyList<Experiment> experiments, Experiment baseline)
    {
        var rows = new List<PairedDifference>();
        var reference = Values(baseline);
        foreach (var experiment in experiments.Where(e => e.Name != baseline.Name))
        {
            foreach (var ((round, category), values) in Values(experiment).OrderBy(x => x.Key.Round).ThenBy(x => x.Key.Category == Overall ? "" : x.Key.Category, StringComparer.Ordinal))
            {
                if (!reference.TryGetValue((round, category), out var baseValues))
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
                rows.Add(new PairedDifference(experiment.Name, baseline.Name, round, category, seeds.Length, test.MeanDifference, low, high));
            }
        }
        return rows;
    }

    /// <summary>(round, category) → seed → the headline metric; categories from the metric's per-category table.</summary>
    private static Dictionary<(int Round, string Category), Dictionary<ulong, double>> Values(Experiment experiment)
    {
        var values = new Dictionary<(int, string), Dictionary<ulong, double>>();
        void Add(int round, string category, ulong seed, double value)
        {
            if (!values.TryGetValue((round, category), out var bySeed))
            {
                values[(round, category)] = bySeed = [];
            }
            bySeed[seed] = value;
        }
        foreach (var run in experiment.Runs)
        {
            foreach (var r in run.Rounds.Where(r => r.Evaluation is not null))
            {
                var e = r.Evaluation!;
                Add(r.Round, Overall, run.Seed, e.Value);
                foreach (var (category, value) in e.Metric == "exact_match" ? e.ExactMatchByCategory : e.RougeLByCategory)
                {
                    Add(r.Round, category, run.Seed, value);
                }
            }
        }
        return values;
    }
}
