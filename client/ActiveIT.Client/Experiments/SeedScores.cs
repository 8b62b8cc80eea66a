using System.Globalization;
using ActiveIT.Grains.Curriculum;
using CsvHelper;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// One experiment's headline metric (×100) by round, category and seed: read from its record, or from the rows that
/// `experiment compare --csv` and `experiment results --csv` write (overall only), so earlier runs can plan new ones.
/// </summary>
internal sealed record SeedScores(string Experiment, string Strategy, IReadOnlyDictionary<(int Round, string Category), IReadOnlyDictionary<ulong, double>> Values)
{
    public const string Overall = "(overall)";

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

    /// <summary>Experiments in the order they first appear; rows without a value (a round not yet evaluated) are passed over.</summary>
    /// <exception cref="FormatException">A missing column, or a field that does not parse, named by file, line and column.</exception>
    public static IReadOnlyList<SeedScores> ReadCsv(string path)
    {
        using var text = File.OpenText(path);
        using var csv = CsvReader.Create(text, CsvReaderOptions.Default with { TrackLineNumbers = true });
        csv.ReadHeader();
        foreach (var column in new[] { "experiment", "strategy", "seed", "round", "value" })
        {
            if (!csv.TryGetFieldIndex(column, out _))
            {
                throw new FormatException($"{path}:line 1: no '{column}' column (expected the CSV of `activeit experiment compare --csv`)");
            }
        }
        var experiments = new Dictionary<string, (string Strategy, Dictionary<(int, string), IReadOnlyDictionary<ulong, double>> Values)>();
        var order = new List<string>();
        while (csv.Read())
        {
            T Field<T>(string column, Func<string, T?> parse) where T : struct =>
                parse(csv.GetString(column)) ?? throw new FormatException($"{path}:line {csv.LineNumber}: {column}: '{csv.GetString(column)}' is not a valid {typeof(T).Name switch { "UInt64" => "seed", "Int32" => "round", _ => "number" }}");
            var name = csv.GetString("experiment");
            if (name.Length == 0)
            {
                throw new FormatException($"{path}:line {csv.LineNumber}: experiment: empty");
            }
            if (csv.GetString("value").Length == 0)
            {
                continue;
            }
            var seed = Field("seed", s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var x) ? x : (ulong?)null);
            var round = Field("round", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var x) ? x : (int?)null);
            var value = Field("value", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : (double?)null);
            if (!experiments.TryGetValue(name, out var entry))
            {
                experiments[name] = entry = (csv.GetString("strategy"), []);
                order.Add(name);
            }
            if (!entry.Values.TryGetValue((round, Overall), out var bySeed))
            {
                entry.Values[(round, Overall)] = bySeed = new Dictionary<ulong, double>();
            }
            if (!((Dictionary<ulong, double>)bySeed).TryAdd(seed, value))
            {
                throw new FormatException($"{path}:line {csv.LineNumber}: experiment '{name}' has seed {seed} round {round} twice");
            }
        }
        return [.. order.Select(name => new SeedScores(name, experiments[name].Strategy, experiments[name].Values))];
    }
}
