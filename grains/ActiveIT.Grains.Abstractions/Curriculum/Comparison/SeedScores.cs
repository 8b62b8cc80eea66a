namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// One experiment's headline metric (×100) by round, category and seed, from its record (or, in the CLI, from the rows
/// `experiment compare --csv` writes): what paired comparisons, power plans and the arena's ranking read, in the CLI and
/// the workbench alike.
/// </summary>
public sealed record SeedScores(string Experiment, string Strategy, IReadOnlyDictionary<(int Round, string Category), IReadOnlyDictionary<ulong, double>> Values)
{
    public const string Overall = "(overall)";

    /// <summary>The experiments these scores stand for: this one, or the draws a <see cref="MeanOf"/> baseline averages.</summary>
    public IReadOnlyList<string> Members { get; init; } = [Experiment];

    /// <summary>
    /// Several experiments as one, per round, category and seed the mean of their values, where all of them have that
    /// seed: the baseline as the mean of several random draws per seed. Its own draw is part of every paired
    /// difference against a baseline; averaging k draws divides that part of the variance by k.
    /// </summary>
    public static SeedScores MeanOf(IReadOnlyList<SeedScores> draws)
    {
        var values = new Dictionary<(int, string), IReadOnlyDictionary<ulong, double>>();
        foreach (var key in draws[0].Values.Keys.Where(k => draws.All(d => d.Values.ContainsKey(k))))
        {
            var seeds = draws.Select(d => d.Values[key].Keys).Aggregate((a, b) => a.Intersect(b)).ToArray();
            if (seeds.Length > 0)
            {
                values[key] = seeds.ToDictionary(seed => seed, seed => draws.Average(d => d.Values[key][seed]));
            }
        }
        var name = string.Join("+", draws.Select(d => d.Experiment));
        return new SeedScores(name, draws[0].Strategy, values) { Members = [.. draws.Select(d => d.Experiment)] };
    }

    /// <summary>Endpoints a comparison can pair: a round's value, or the curve's mean through that round (<see cref="CurveMean"/>).</summary>
    public static readonly string[] Endpoints = ["round", "curve"];

    public static IReadOnlyList<SeedScores> At(IEnumerable<SeedScores> scores, string endpoint) => endpoint switch
    {
        "round" => [.. scores],
        "curve" => [.. scores.Select(s => s.CurveMean())],
        _ => throw new ArgumentException($"--endpoint: '{endpoint}' is not one of {string.Join(", ", Endpoints)}"),
    };

    /// <summary>
    /// The learning curve's mean as the endpoint: at round R, each seed's mean over rounds 1..R (the area under its curve
    /// after the shared round 0, per round), for seeds that have every one of those rounds. Differences between
    /// strategies at neighbouring rounds are only partly correlated, so their mean is steadier than the last round alone.
    /// </summary>
    public SeedScores CurveMean()
    {
        var values = new Dictionary<(int, string), IReadOnlyDictionary<ulong, double>>();
        foreach (var category in Values.Keys.Select(k => k.Category).Distinct())
        {
            var rounds = Values.Keys.Where(k => k.Category == category && k.Round > 0).Select(k => k.Round).Order().ToArray();
            for (var r = 1; r <= rounds.DefaultIfEmpty(0).Max(); r++)
            {
                if (!Enumerable.Range(1, r).All(i => Values.ContainsKey((i, category))))
                {
                    break;
                }
                var seeds = Enumerable.Range(1, r).Select(i => Values[(i, category)].Keys).Aggregate((a, b) => a.Intersect(b)).ToArray();
                if (seeds.Length > 0)
                {
                    values[(r, category)] = seeds.ToDictionary(seed => seed, seed => Enumerable.Range(1, r).Average(i => Values[(i, category)][seed]));
                }
            }
        }
        return this with { Values = values };
    }

    public static SeedScores Of(Experiment experiment)
    {
        var values = new Dictionary<(int, string), IReadOnlyDictionary<ulong, double>>();
        void Add(int round, string category, ulong seed, double value)
        {
            if (!values.TryGetValue((round, category), out var bySeed))
            {
                values[(round, category)] = bySeed = new Dictionary<ulong, double>();
            }
            ((Dictionary<ulong, double>)bySeed)[seed] = value;
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
        return new SeedScores(experiment.Name, experiment.Config.Strategy, values);
    }
}
