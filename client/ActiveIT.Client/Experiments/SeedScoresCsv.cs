using System.Globalization;
using ActiveIT.Grains.Curriculum;
using CsvHelper;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// Seed scores from the rows that `experiment compare --csv` and `experiment results --csv` write (overall only), so
/// earlier runs — another machine's, or records kept in docs/ — can plan and be compared with new ones.
/// </summary>
internal static class SeedScoresCsv
{
    /// <summary>Experiments in the order they first appear; rows without a value (a round not yet evaluated) are passed over.</summary>
    /// <exception cref="FormatException">A missing column, or a field that does not parse, named by file, line and column.</exception>
    public static IReadOnlyList<SeedScores> Read(string path)
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
            if (!entry.Values.TryGetValue((round, SeedScores.Overall), out var bySeed))
            {
                entry.Values[(round, SeedScores.Overall)] = bySeed = new Dictionary<ulong, double>();
            }
            if (!((Dictionary<ulong, double>)bySeed).TryAdd(seed, value))
            {
                throw new FormatException($"{path}:line {csv.LineNumber}: experiment '{name}' has seed {seed} round {round} twice");
            }
        }
        return [.. order.Select(name => new SeedScores(name, experiments[name].Strategy, experiments[name].Values))];
    }
}
