using ActiveIT.Runs;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Transfer;
using ActiveIT.Core.Metrics;
using ActiveIT.Engine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit transfer experiment`: the format-consistency study on string-rewrite tasks (docs/format-transfer.md).</summary>
internal sealed class TransferExperimentCommand : Command
{
    private readonly EngineOptions _engine = new();
    private readonly Option<string> _scale = new("--scale") { Description = "tiny (seconds, for tests), demo, small", DefaultValueFactory = _ => "demo" };
    private readonly Option<string> _seeds = new("--seeds") { Description = "Seeds, e.g. 1,2,3", DefaultValueFactory = _ => "1,2,3" };
    private readonly Option<string?> _out = new("--out") { Description = "Folder for results.json and summary.md" };
    private readonly Option<bool> _json = new("--json") { Description = "Print the results as JSON instead of tables" };

    public TransferExperimentCommand() : base("experiment", "Format transfer on string-rewrite tasks: transfer accuracy, denoising, testing-time and training-time consistency")
    {
        _engine.AddTo(this);
        foreach (var option in new Option[] { _scale, _seeds, _out, _json })
        {
            Options.Add(option);
        }
        _scale.AcceptOnlyFromAmong("tiny", "demo", "small");
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        ulong[] seeds;
        try
        {
            seeds = [.. parse.GetValue(_seeds)!.Split(',').Select(s => ulong.Parse(s.Trim(), CultureInfo.InvariantCulture))];
        }
        catch (FormatException)
        {
            Console.Error.WriteLine($"activeit transfer experiment: --seeds '{parse.GetValue(_seeds)}': write numbers separated by commas, e.g. 1,2,3");
            return ExitCodes.InvalidInput;
        }
        var device = _engine.Apply(parse);
        var environment = RunEnvironment.Capture(device);
        var scale = TransferScale.Preset(parse.GetValue(_scale)!);
        var line = new ProgressLine();
        var experiment = new TransferExperiment(scale, device, new SyncProgress(text => line.Update(text, force: true)));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var folder = parse.GetValue(_out);
        Earlier earlier;
        try
        {
            earlier = Earlier.Read(folder, scale);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            Console.Error.WriteLine($"activeit transfer experiment: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        var results = new List<TransferSeedResult>();
        var sessions = earlier.Sessions.ToList();
        sessions.Add(new Session(environment, []));
        object report = new { };
        var summary = "";
        foreach (var seed in seeds)
        {
            if (earlier.Results.FirstOrDefault(r => r.Seed == seed) is { } kept)
            {
                Console.Error.WriteLine($"seed {seed}: kept from {Path.Combine(folder!, "results.json")} (an earlier session of the same scale)");
                results.Add(kept);
            }
            else
            {
                results.Add(experiment.Run(seed, CancellationToken.None));
                sessions[^1] = sessions[^1] with { Seeds = [.. sessions[^1].Seeds, seed] };
            }
            // Written after every seed, so an interrupted run keeps the seeds that finished and the next one resumes there.
            var seconds = earlier.Seconds + watch.Elapsed.TotalSeconds;
            report = new { Scale = scale, ScaleDeviations = scale.Deviations(), Seeds = seeds, Environment = environment, Sessions = sessions, TotalSeconds = seconds, Results = results };
            summary = Summary(scale, [.. results.Select(r => r.Seed)], [.. results], environment, seconds);
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(report, Json.Indented));
                File.WriteAllText(Path.Combine(folder, "summary.md"), summary);
            }
        }
        line.Clear();
        Console.WriteLine(parse.GetValue(_json) ? JsonSerializer.Serialize(report, Json.Options) : summary);
        return ExitCodes.Success;
    }

    /// <summary>Which session ran which seeds, with its machine and code version.</summary>
    private sealed record Session(RunEnvironment Environment, IReadOnlyList<ulong> Seeds);

    /// <summary>
    /// The seeds an earlier run into the same folder finished, when it ran the same scale: kept, so a run stopped between
    /// seeds resumes at the next one. A folder holding another scale's results is refused rather than overwritten.
    /// </summary>
    private sealed record Earlier(IReadOnlyList<TransferSeedResult> Results, IReadOnlyList<Session> Sessions, double Seconds)
    {
        public static Earlier Read(string? folder, TransferScale scale)
        {
            var path = folder is null ? null : Path.Combine(folder, "results.json");
            if (path is null || !File.Exists(path))
            {
                return new([], [], 0);
            }
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("scale", out var stored) || JsonSerializer.Serialize(stored) != JsonSerializer.Serialize(scale, Json.Options))
            {
                throw new InvalidDataException($"{path} holds results of another scale or an older layout: use another --out, or move it away");
            }
            var results = root.GetProperty("results").Deserialize<List<TransferSeedResult>>(Json.Options)!;
            var sessions = root.TryGetProperty("sessions", out var s) ? s.Deserialize<List<Session>>(Json.Options)!
                : [new Session(root.GetProperty("environment").Deserialize<RunEnvironment>(Json.Options)!, [.. results.Select(r => r.Seed)])];
            return new(results, sessions, root.TryGetProperty("total_seconds", out var t) ? t.GetDouble() : 0);
        }
    }

    private static string Summary(TransferScale scale, ulong[] seeds, TransferSeedResult[] results, RunEnvironment environment, double seconds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"scale {scale.Name}, seeds {string.Join(",", seeds)}, {environment.Device} {environment.Precision}, {environment.Threads} threads, code {environment.CodeVersion}, {seconds / 60:F1} min");
        text.AppendLine("Every cell: mean over seeds [95 % t-interval over seeds; none with one seed].");
        text.AppendLine();
        text.AppendLine("Transfer accuracy on held-out rules (definition states the rule's pattern and replacement):");
        text.AppendLine(TransferTable(results, r => r.Cases).ToString());
        text.AppendLine();
        text.AppendLine("Training tasks unified (the non-NIV2 three quarters of the training rules):");
        text.AppendLine(TransferTable(results, r => r.TrainingCases).ToString());
        text.AppendLine();
        text.AppendLine("Exact match on held-out rules' instances:");
        var evals = new TextTable("setting", "condition", "exact match", "instances per seed");
        foreach (var key in results[0].Evals.Select(e => (e.Setting, e.Condition)))
        {
            evals.Add(key.Setting, key.Condition, Band(results, r => Accuracy(r, key.Condition)), results[0].Evals.First(e => (e.Setting, e.Condition) == key).Total);
        }
        evals.FitToRows();
        text.AppendLine(evals.ToString());
        text.AppendLine();
        text.AppendLine("Paired differences over seeds (after − before), 95 % interval, and the smallest true difference these seeds detect with 80 % power:");
        var diffs = new TextTable("comparison", "difference");
        double All(TransferSeedResult r, Func<TransferCaseResult, double> f) => r.Cases.Average(f);
        diffs.Add("held-out transfer: denoised − random candidate", Paired(results, r => All(r, c => c.RandomCorrect), r => All(r, c => c.DenoisedCorrect)));
        diffs.Add("held-out transfer: denoised − greedy", Paired(results, r => All(r, c => c.GreedyCorrect), r => All(r, c => c.DenoisedCorrect)));
        diffs.Add("training-time: unified greedy − mixed raw", Paired(results, r => Accuracy(r, "mixed raw formats"), r => Accuracy(r, "unified (greedy transfers)")));
        diffs.Add("training-time: unified denoised − mixed raw", Paired(results, r => Accuracy(r, "mixed raw formats"), r => Accuracy(r, "unified (denoised transfers)")));
        diffs.Add("training-time: unified denoised − unified greedy", Paired(results, r => Accuracy(r, "unified (greedy transfers)"), r => Accuracy(r, "unified (denoised transfers)")));
        foreach (var format in new[] { "PromptSource", "Flan", "CrossFit" })
        {
            diffs.Add($"testing-time: {format} transferred − raw", Paired(results, r => Accuracy(r, $"{format} raw"), r => Accuracy(r, $"{format} transferred")));
        }
        diffs.FitToRows();
        text.AppendLine(diffs.ToString());
        text.AppendLine();
        text.AppendLine("Deviations from the paper:");
        foreach (var deviation in scale.Deviations())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {deviation}");
        }
        text.AppendLine();
        text.AppendLine("Time (s) and final training loss, per seed:");
        var cost = new TextTable("seed", "stage", "seconds", "final loss / share");
        foreach (var r in results)
        {
            foreach (var (stage, s) in r.Seconds)
            {
                cost.Add(r.Seed, stage, s, r.FinalLoss.TryGetValue(stage, out var loss) ? loss : double.NaN);
            }
            foreach (var (name, share) in r.FinalLoss.Where(p => !r.Seconds.ContainsKey(p.Key)))
            {
                cost.Add(r.Seed, name, double.NaN, share);
            }
        }
        cost.FitToRows();
        text.AppendLine(cost.ToString());
        return text.ToString();
    }

    private static double Accuracy(TransferSeedResult result, string condition) => result.Evals.First(e => e.Condition == condition).Accuracy;

    /// <summary>Per source format and overall: parsed share, greedy, random, denoised (both aggregations), oracle, and how often the aggregations agree.</summary>
    private static TextTable TransferTable(TransferSeedResult[] results, Func<TransferSeedResult, IReadOnlyList<TransferCaseResult>> cases)
    {
        var table = new TextTable("source format", "parsed", "greedy", "random candidate", "denoised (token-weighted)", "denoised (UIT batch means)",
            "oracle (any candidate)", "aggregations choose alike");
        foreach (var format in results.SelectMany(cases).Select(c => c.Format).Distinct().Append("all"))
        {
            IEnumerable<TransferCaseResult> Of(TransferSeedResult r) => cases(r).Where(c => format == "all" || c.Format == format);
            table.Add(format, Band(results, r => Of(r).Average(c => (double)c.Parsed / c.Candidates)), Band(results, r => Of(r).Average(c => c.GreedyCorrect)),
                Band(results, r => Of(r).Average(c => c.RandomCorrect)), Band(results, r => Of(r).Average(c => c.DenoisedCorrect)),
                Band(results, r => Of(r).Average(c => c.UitDenoisedCorrect)), Band(results, r => Of(r).Average(c => c.OracleCorrect)),
                Agreement(results, r => Of(r)));
        }
        table.FitToRows();
        return table;
    }

    /// <summary>
    /// How often the two aggregations keep the same candidate, over cases with two or more parsed candidates only (with
    /// fewer there is nothing to choose, and counting them would read as agreement).
    /// </summary>
    private static string Agreement(TransferSeedResult[] results, Func<TransferSeedResult, IEnumerable<TransferCaseResult>> cases)
    {
        var decisive = results.Select(r => cases(r).Where(c => c.Parsed >= 2).ToArray()).ToArray();
        var count = decisive.Sum(d => d.Length);
        return count == 0 ? "n/a (no case to choose in)"
            : string.Create(CultureInfo.InvariantCulture, $"{decisive.Sum(d => d.Count(c => c.AggregationsAgree))} of {count}");
    }

    /// <summary>Mean over seeds and its 95 % t-interval (seeds as the sample).</summary>
    private static string Band(TransferSeedResult[] results, Func<TransferSeedResult, double> metric)
    {
        var values = results.Select(metric).ToArray();
        var mean = values.Average();
        if (values.Length < 2)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{mean:F3}");
        }
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        var half = PairedTTest.CriticalT(0.05, values.Length - 1) * std / Math.Sqrt(values.Length);
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F3} [{mean - half:F3}, {mean + half:F3}]");
    }

    private static string Paired(TransferSeedResult[] results, Func<TransferSeedResult, double> before, Func<TransferSeedResult, double> after)
    {
        var test = PairedTTest.Of([.. results.Select(before)], [.. results.Select(after)]);
        var (low, high) = test.Interval();
        return test.Pairs < 2
            ? string.Create(CultureInfo.InvariantCulture, $"{test.MeanDifference:+0.000;-0.000;0.000}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{test.MeanDifference:+0.000;-0.000;0.000} [{low:F3}, {high:F3}], p = {test.P:F3}, detectable ±{PairedPower.MinimumDetectableDifference(test.StdDifference, test.Pairs):F3}");
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
