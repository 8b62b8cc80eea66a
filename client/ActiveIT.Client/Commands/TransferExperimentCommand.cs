using ActiveIT.Runs;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Transfer;
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
        var results = new List<TransferSeedResult>();
        object report = new { };
        var summary = "";
        foreach (var seed in seeds)
        {
            results.Add(experiment.Run(seed, CancellationToken.None));
            // Written after every seed, so an interrupted run keeps the seeds that finished.
            report = new { Scale = scale, Seeds = seeds, Environment = environment, TotalSeconds = watch.Elapsed.TotalSeconds, Results = results };
            summary = Summary(scale, [.. results.Select(r => r.Seed)], [.. results], environment, watch.Elapsed.TotalSeconds);
            if (parse.GetValue(_out) is { } folder)
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

    private static string Summary(TransferScale scale, ulong[] seeds, TransferSeedResult[] results, RunEnvironment environment, double seconds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"scale {scale.Name}, seeds {string.Join(",", seeds)}, {environment.Device} {environment.Precision}, {environment.Threads} threads, code {environment.CodeVersion}, {seconds / 60:F1} min");
        text.AppendLine();
        text.AppendLine("Transfer accuracy on held-out rules (definition states the rule's pattern and replacement), mean ± std over seeds:");
        var transfer = new TextTable("source format", "parsed", "greedy", "random candidate", "denoised (lowest perplexity)", "oracle (any candidate)");
        foreach (var format in results.SelectMany(r => r.Cases).Select(c => c.Format).Distinct().Append("all"))
        {
            IEnumerable<TransferCaseResult> Of(TransferSeedResult r) => r.Cases.Where(c => format == "all" || c.Format == format);
            transfer.Add(format, Band(results, r => Of(r).Average(c => (double)c.Parsed / c.Candidates)), Band(results, r => Of(r).Average(c => c.GreedyCorrect)),
                Band(results, r => Of(r).Average(c => c.RandomCorrect)), Band(results, r => Of(r).Average(c => c.DenoisedCorrect)),
                Band(results, r => Of(r).Average(c => c.OracleCorrect)));
        }
        transfer.FitToRows();
        text.AppendLine(transfer.ToString());
        text.AppendLine();
        text.AppendLine("Exact match on held-out rules' instances, mean ± std over seeds:");
        var evals = new TextTable("setting", "condition", "exact match", "instances per seed");
        foreach (var key in results[0].Evals.Select(e => (e.Setting, e.Condition)))
        {
            evals.Add(key.Setting, key.Condition, Band(results, r => r.Evals.First(e => (e.Setting, e.Condition) == key).Accuracy),
                results[0].Evals.First(e => (e.Setting, e.Condition) == key).Total);
        }
        evals.FitToRows();
        text.AppendLine(evals.ToString());
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

    private static string Band(TransferSeedResult[] results, Func<TransferSeedResult, double> metric)
    {
        var values = results.Select(metric).ToArray();
        var mean = values.Average();
        var std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F3} ± {std:F3}");
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
