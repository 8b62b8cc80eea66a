using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs.Diversity;

namespace ActiveIT.Client.Diversity;

/// <summary>
/// What `activeit diversity` shows and writes of a run, wherever it ran: a row per model as it finishes (--json: one
/// object per model), results.csv rewritten after every model (so an interrupted run keeps what finished), a progress
/// line on stderr, and from the run's result the summary, the steps of the unseen-rule curve, the unseen-rule accuracy
/// by length class, the convergence check, run.json and accuracy.svg.
/// </summary>
internal sealed class DiversityReport(string outDir, bool json, TextWriter stdout)
{
    private readonly TextTable _table = new("instr", "α", "eff", "ex/instr", "seed", "unseen", "has-op", "no-op", "seen", "x|y seen", "loss", "steps", "train s", "tok/s")
    {
        Widths = [7, 5, 7, 8, 5, 7, 7, 7, 7, 8, 7, 6, 8, 8],
    };
    private readonly ProgressLine _progress = new();
    private readonly List<DiversityPointResult> _results = [];
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public string CsvPath => Path.Combine(outDir, "results.csv");

    /// <param name="where">Where it trains, for the header: the device and threads of this process, or the silo.</param>
    public void Header(DiversityConfig config, string where)
    {
        Directory.CreateDirectory(outDir);
        if (json)
        {
            return;
        }
        var g = config.Generator;
        stdout.WriteLine($"instruction diversity — scale '{config.Scale}': alphabet {g.AlphabetSize}, |z| = {g.InputLength}, " +
            $"|x| {g.PatternLengthReading}, |y| {g.MinReplacementLength}..{g.MaxReplacementLength}, " +
            $"patterns {g.Shape.ToString().ToLowerInvariant()}, no-op {g.NoOpShare:P0}, unseen = new {UnseenMeaning(config.Unseen)}, " +
            $"frequency {config.Frequency}{(config.Frequency == InstructionFrequency.Uniform ? "" : $" α {string.Join(",", config.Alphas)}")}, " +
            $"budget {config.ExampleBudget} examples × {config.Epochs} epochs; model {config.Model.Layers}L/{config.Model.Heads}H/d{config.Model.DModel} " +
            $"({where}); accuracy = exact match on {config.TestExamples} examples");
        stdout.WriteLine(_table.Header);
    }

    public void Progress(RunProgress p) =>
        _progress.Update($"{p.Step} · step {p.Done}/{p.Total} · {_wall.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min elapsed");

    /// <summary>A finished model: its row, and results.csv with every model so far.</summary>
    public void Point(DiversityPointResult r)
    {
        _progress.Clear();
        _results.Add(r);
        stdout.WriteLine(json ? Json.Line(r) : _table.Line([$"{r.Instructions}", Fmt(r.Alpha), $"{r.EffectiveInstructions}", Fmt(r.ExamplesPerInstruction), $"{r.Seed}",
            Fmt(r.Unseen.Value), Fmt(r.UnseenHasOp.Value), Fmt(r.UnseenNoOp.Value), Fmt(r.Seen.Value), Fmt(r.Overlap.Either), Fmt(r.FinalLoss), $"{r.Steps}",
            Fmt(r.TrainSeconds), $"{r.TrainTokensPerSecond:F0}"]));
        WriteCsv(CsvPath, _results);
    }

    /// <summary>The finished run: rows not shown yet, then results.csv, the summary and checks, run.json and accuracy.svg, all from its result.</summary>
    /// <param name="run">The run's name and silo, recorded in run.json (null when it ran in this process).</param>
    public void Finish(DiversityResult result, (string Name, string Silo)? run)
    {
        foreach (var r in result.Results.Where(r => !_results.Any(s => (s.Seed, s.Alpha, s.Instructions) == (r.Seed, r.Alpha, r.Instructions))).ToArray())
        {
            Point(r);
        }
        _progress.Clear();
        WriteCsv(CsvPath, result.Results);
        if (!json)
        {
            WriteSummary(result);
        }
        File.WriteAllText(Path.Combine(outDir, "accuracy.svg"), Plot(result));
        var record = new
        {
            Command = "activeit diversity", Run = run?.Name, Silo = run?.Silo, Finished = true, Cancelled = false, result.Config, result.Environment, result.TotalSeconds,
            result.Results, result.Summary, result.Convergence, result.Steps, result.ByLength,
        };
        File.WriteAllText(Path.Combine(outDir, "run.json"), JsonSerializer.Serialize(record, Json.Indented));
        if (!json)
        {
            stdout.WriteLine($"\n{result.Results.Count} models in {_wall.Elapsed.TotalMinutes:F1} min; wrote {CsvPath}, run.json, accuracy.svg");
        }
    }

    private static string UnseenMeaning(UnseenSplit split) =>
        split == UnseenSplit.Strings ? "patterns and replacements" : "rules (their x or y may be trained)";

    private void WriteSummary(DiversityResult result)
    {
        var s = new TextTable("α", "instr", "eff", "ex/instr", "seeds", "unseen mean", "± std", "95% interval", "seen mean", "± std", "x seen", "x|y seen");
        foreach (var row in result.Summary)
        {
            s.Add(Fmt(row.Alpha), row.Instructions, Fmt(row.EffectiveInstructionsMean), Fmt(row.ExamplesPerInstruction), row.Seeds, Fmt(row.UnseenMean),
                Fmt(row.UnseenStd), Interval(row.UnseenLow, row.UnseenHigh), Fmt(row.SeenMean), Fmt(row.SeenStd), Fmt(row.OverlapPatternMean), Fmt(row.OverlapEitherMean));
        }
        s.FitToRows();
        stdout.WriteLine();
        stdout.WriteLine(s);
        stdout.WriteLine("(x seen / x|y seen: share of unseen test rules whose pattern / pattern or replacement a training rule also uses)");

        var t = new TextTable("α", "step", "seeds up", "unseen change", "± std", "95% interval", "t", "p");
        foreach (var step in result.Steps)
        {
            t.Add(Fmt(step.Alpha), $"{step.From} → {step.To}", $"{step.SeedsUp}/{step.Pairs}", Signed(step.MeanChange), Fmt(step.StdChange),
                Interval(step.Low, step.High), Fmt(step.T), Fmt(step.P));
        }
        t.FitToRows();
        stdout.WriteLine();
        stdout.WriteLine("steps of the unseen-rule curve, paired by seed (two-sided paired t-test):");
        stdout.WriteLine(t);
        WriteByLength(result);
        stdout.WriteLine();
        foreach (var c in result.Convergence)
        {
            stdout.WriteLine(c.Converged
                ? $"converged (α {Fmt(c.Alpha)}): seen-rule accuracy {Fmt(c.SeenMean)} at {c.LargestCount} instructions ≥ {DiversityConfig.ConvergedSeenAccuracy}"
                : $"UNCONVERGED (α {Fmt(c.Alpha)}): seen-rule accuracy {Fmt(c.SeenMean)} at {c.LargestCount} instructions < {DiversityConfig.ConvergedSeenAccuracy}; " +
                  "the top of the curve is under-trained: do not read a step from it");
        }
    }

    /// <summary>Unseen-rule accuracy per length class: one row per (α, count), one column per class, mean over seeds [95% interval].</summary>
    private void WriteByLength(DiversityResult result)
    {
        if (result.ByLength is not { Count: > 0 } byLength)
        {
            return;
        }
        var classes = byLength.Select(c => c.Class).Distinct().ToArray();
        var table = new TextTable(["α", "instr", .. classes.Select(c => c.StartsWith('x') ? $"|x|={c[1..]}" : c)]);
        foreach (var row in byLength.GroupBy(c => (c.Alpha, c.Instructions)))
        {
            var cells = classes.Select(name => row.FirstOrDefault(c => c.Class == name) is { } c
                ? $"{Fmt(c.Mean)} {Interval(c.Low, c.High)}".TrimEnd() : "-");
            table.Add([Fmt(row.Key.Alpha), row.Key.Instructions, .. cells]);
        }
        table.FitToRows();
        stdout.WriteLine();
        stdout.WriteLine("unseen-rule accuracy by length class (deletion |y|=0, shrinking 0<|y|<|x|, same |y|=|x|, growing |y|>|x|; pattern length |x|), " +
            "mean over seeds [95% interval]:");
        stdout.WriteLine(table);
    }

    private static string Interval(double low, double high) =>
        double.IsNaN(low) ? "" : $"[{low.ToString("F3", CultureInfo.InvariantCulture)}, {high.ToString("F3", CultureInfo.InvariantCulture)}]";

    private static string Signed(double v) => double.IsNaN(v) ? "-" : (v >= 0 ? "+" : "") + v.ToString("F3", CultureInfo.InvariantCulture);

    private static string Fmt(double v) => double.IsNaN(v) ? "-" : v.ToString(v >= 100 ? "F0" : "F3", CultureInfo.InvariantCulture);

    private static string Plot(DiversityResult result)
    {
        var config = result.Config;
        var unconverged = result.Convergence.Any(c => !c.Converged) ? "; UNCONVERGED: seen-rule accuracy < 0.95 at the largest count" : "";
        var plot = new SvgPlot("Generalisation vs number of instructions", "distinct instructions (rules) in training", "exact-match accuracy", logX: true)
        {
            Note = $"scale '{config.Scale}', fixed budget {config.ExampleBudget} examples, {config.Seeds.Count} seed(s); bars = ±1 std over seeds{unconverged}",
        };
        foreach (var byAlpha in result.Summary.GroupBy(s => s.Alpha))
        {
            var suffix = config.Alphas.Count > 1 ? $", α {Fmt(byAlpha.Key)}" : "";
            plot.Add($"unseen rules{suffix}", byAlpha.Select(s => ((double)s.Instructions, s.UnseenMean, s.UnseenStd)).ToArray());
            plot.Add($"seen rules{suffix}", byAlpha.Select(s => ((double)s.Instructions, s.SeenMean, s.SeenStd)).ToArray());
        }
        return plot.Render();
    }

    private static void WriteCsv(string path, IReadOnlyList<DiversityPointResult> results)
    {
        string[] header =
        [
            "instructions", "alpha", "effective_instructions", "perplexity_instructions", "unseen_pattern_seen", "unseen_either_seen",
            "examples_per_instruction", "seed", "unseen_acc", "unseen_hasop_acc", "unseen_noop_acc", "seen_acc", "seen_hasop_acc", "seen_noop_acc",
            "unseen_n", "seen_n", "final_loss", "steps", "train_s", "eval_s", "train_tok_s",
        ];
        // Length classes go after the original columns, so readers that index columns keep working; the pattern-length
        // columns run to the longest pattern any row has (results stored before classes existed leave them empty).
        var classes = results.Select(r => r.UnseenByLength).OfType<UnseenByLength>().MaxBy(b => b.ByPatternLength.Count)?.Classes().Select(c => c.Name).ToArray() ?? [];
        header = [.. header, .. classes.SelectMany(c => new[] { $"unseen_{c}_acc", $"unseen_{c}_n" })];
        var csv = CsvText.Write(header, results.Select(r =>
        {
            var byClass = r.UnseenByLength?.Classes().ToDictionary(c => c.Name, c => c.Accuracy) ?? [];
            object?[] row =
            [
                r.Instructions, r.Alpha, r.EffectiveInstructions, r.PerplexityInstructions, r.Overlap.Pattern, r.Overlap.Either, r.ExamplesPerInstruction, r.Seed, r.Unseen.Value,
                r.UnseenHasOp.Value, r.UnseenNoOp.Value, r.Seen.Value, r.SeenHasOp.Value, r.SeenNoOp.Value, r.Unseen.Total, r.Seen.Total, r.FinalLoss, r.Steps,
                r.TrainSeconds, r.EvalSeconds, r.TrainTokensPerSecond,
            ];
            return (object?[])[.. row, .. classes.SelectMany(c => byClass.TryGetValue(c, out var a) ? new object?[] { a.Value, a.Total } : [null, null])];
        }));
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, csv);
        File.Move(tmp, path, overwrite: true);
    }
}
