using ActiveIT.Runs;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;
using ActiveIT.Grains;

namespace ActiveIT.Client.Diversity;

/// <summary>
/// Runs the grid and writes its record to <c>outDir</c>: results.csv (one row per model), run.json (config,
/// environment, timings, results, summary) and accuracy.svg. Rows print as each model finishes.
/// </summary>
internal static class DiversityExperiment
{
    /// <param name="publish">Given the run record (run.json's text) before the first model, after every model and at the end
    /// (`--silo`: the cluster's copy, which the web page draws while the run goes on).</param>
    public static void Execute(DiversityConfig config, string outDir, bool json, TextWriter stdout, CancellationToken cancellationToken,
        Action<string>? publish = null)
    {
        config.Validate();
        // Every point trains on exactly the budget, so the schedule's length is the same for all and recorded as such.
        config = config with { Training = config.Training with { TotalSteps = TrainingLoop.StepCount(config.ExampleBudget, config.BatchSize, config.Epochs) } };
        Directory.CreateDirectory(outDir);
        var environment = RunEnvironment.Capture(config.Device);
        var total = Stopwatch.StartNew();
        var table = new TextTable("instr", "α", "eff", "ex/instr", "seed", "unseen", "has-op", "no-op", "seen", "x|y seen", "loss", "steps", "train s", "tok/s");
        table.Widths = [7, 5, 7, 8, 5, 7, 7, 7, 7, 8, 7, 6, 8, 8];
        if (!json)
        {
            stdout.WriteLine($"instruction diversity — scale '{config.Scale}': alphabet {config.Generator.AlphabetSize}, |z| = {config.Generator.InputLength}, " +
                $"|x| {config.Generator.PatternLengthReading}, |y| {config.Generator.MinReplacementLength}..{config.Generator.MaxReplacementLength}, " +
                $"patterns {config.Generator.Shape.ToString().ToLowerInvariant()}, no-op {config.Generator.NoOpShare:P0}, unseen = new {UnseenMeaning(config.Unseen)}, " +
                $"frequency {config.Frequency}{(config.Frequency == InstructionFrequency.Uniform ? "" : $" α {string.Join(",", config.Alphas)}")}, " +
                $"budget {config.ExampleBudget} examples × {config.Epochs} epochs; model {config.Model.Layers}L/{config.Model.Heads}H/d{config.Model.DModel} " +
                $"({environment.Device}, {environment.Threads} threads); accuracy = exact match on {config.TestExamples} examples");
            stdout.WriteLine(table.Header);
        }

        var progress = new ProgressLine();
        var results = new List<DiversityPointResult>();
        string Record(bool finished, bool cancelled = false)
        {
            var summary = DiversitySummary.From(results);
            return JsonSerializer.Serialize(new
            {
                Command = "activeit diversity", Finished = finished, Cancelled = cancelled, Config = config, Environment = environment, TotalSeconds = total.Elapsed.TotalSeconds,
                Results = results, Summary = summary, Convergence = DiversityChecks.Convergence(summary), Steps = DiversityChecks.Steps(results),
            }, Json.Indented);
        }
        publish?.Invoke(Record(finished: false));
        var runner = new DiversityRunner(config);
        var point = 0;
        var points = config.Seeds.Count * config.Alphas.Count * config.InstructionCounts.Count;
        IProgress<TrainingProgress> report = new SyncProgress<TrainingProgress>(p => progress.Update(
            $"[{point + 1}/{points}] step {p.Step}/{p.TotalSteps} epoch {p.Epoch + 1}/{config.Epochs} loss {p.Result.Loss:F4} " +
            $"{p.TargetTokens / Math.Max(p.ElapsedSeconds, 1e-9):F0} target tok/s, {total.Elapsed.TotalMinutes:F1} min elapsed"));
        try
        {
            Train();
        }
        catch (OperationCanceledException)
        {
            publish?.Invoke(Record(finished: false, cancelled: true));  // on the silo too, instead of seeming to train on
            throw;
        }

        void Train()
        {
            foreach (var r in runner.Run(report, cancellationToken))
            {
                point++;
                progress.Clear();
                results.Add(r);
                if (json)
                {
                    stdout.WriteLine(Json.Line(r));
                }
                else
                {
                    stdout.WriteLine(table.Line([$"{r.Instructions}", Fmt(r.Alpha), $"{r.EffectiveInstructions}", Fmt(r.ExamplesPerInstruction), $"{r.Seed}",
                        Fmt(r.Unseen.Value), Fmt(r.UnseenHasOp.Value), Fmt(r.UnseenNoOp.Value), Fmt(r.Seen.Value), Fmt(r.Overlap.Either), Fmt(r.FinalLoss), $"{r.Steps}",
                        Fmt(r.TrainSeconds), $"{r.TrainTokensPerSecond:F0}"]));
                }
                WriteCsv(Path.Combine(outDir, "results.csv"), results);
                publish?.Invoke(Record(finished: false));
            }
        }

        var summary = DiversitySummary.From(results);
        var convergence = DiversityChecks.Convergence(summary);
        var steps = DiversityChecks.Steps(results);
        if (!json)
        {
            WriteSummary(stdout, summary, convergence, steps);
        }
        File.WriteAllText(Path.Combine(outDir, "accuracy.svg"), Plot(config, summary, convergence));
        var record = Record(finished: true);
        File.WriteAllText(Path.Combine(outDir, "run.json"), record);
        publish?.Invoke(record);
        if (!json)
        {
            stdout.WriteLine($"\n{points} models in {total.Elapsed.TotalMinutes:F1} min; wrote {Path.Combine(outDir, "results.csv")}, run.json, accuracy.svg");
        }
    }

    private static string UnseenMeaning(UnseenSplit split) =>
        split == UnseenSplit.Strings ? "patterns and replacements" : "rules (their x or y may be trained)";

    private static void WriteSummary(TextWriter stdout, IReadOnlyList<DiversitySummary> summary, IReadOnlyList<DiversityConvergence> convergence,
        IReadOnlyList<DiversityStep> steps)
    {
        var s = new TextTable("α", "instr", "eff", "ex/instr", "seeds", "unseen mean", "± std", "seen mean", "± std", "x seen", "x|y seen");
        foreach (var row in summary)
        {
            s.Add(Fmt(row.Alpha), row.Instructions, Fmt(row.EffectiveInstructionsMean), Fmt(row.ExamplesPerInstruction), row.Seeds, Fmt(row.UnseenMean),
                Fmt(row.UnseenStd), Fmt(row.SeenMean), Fmt(row.SeenStd), Fmt(row.OverlapPatternMean), Fmt(row.OverlapEitherMean));
        }
        s.FitToRows();
        stdout.WriteLine();
        stdout.WriteLine(s);
        stdout.WriteLine("(x seen / x|y seen: share of unseen test rules whose pattern / pattern or replacement a training rule also uses)");

        var t = new TextTable("α", "step", "seeds up", "unseen change", "± std", "t", "p");
        foreach (var step in steps)
        {
            t.Add(Fmt(step.Alpha), $"{step.From} → {step.To}", $"{step.SeedsUp}/{step.Pairs}", Signed(step.MeanChange), Fmt(step.StdChange), Fmt(step.T), Fmt(step.P));
        }
        t.FitToRows();
        stdout.WriteLine();
        stdout.WriteLine("steps of the unseen-rule curve, paired by seed (two-sided paired t-test):");
        stdout.WriteLine(t);
        stdout.WriteLine();
        foreach (var c in convergence)
        {
            stdout.WriteLine(c.Converged
                ? $"converged (α {Fmt(c.Alpha)}): seen-rule accuracy {Fmt(c.SeenMean)} at {c.LargestCount} instructions ≥ {DiversityConfig.ConvergedSeenAccuracy}"
                : $"UNCONVERGED (α {Fmt(c.Alpha)}): seen-rule accuracy {Fmt(c.SeenMean)} at {c.LargestCount} instructions < {DiversityConfig.ConvergedSeenAccuracy}; " +
                  "the top of the curve is under-trained: do not read a step from it");
        }
    }

    private static string Signed(double v) => double.IsNaN(v) ? "-" : (v >= 0 ? "+" : "") + v.ToString("F3", CultureInfo.InvariantCulture);

    private static string Fmt(double v) => double.IsNaN(v) ? "-" : v.ToString(v >= 100 ? "F0" : "F3", CultureInfo.InvariantCulture);

    private static string Plot(DiversityConfig config, IReadOnlyList<DiversitySummary> summary, IReadOnlyList<DiversityConvergence> convergence)
    {
        var unconverged = convergence.Any(c => !c.Converged) ? "; UNCONVERGED: seen-rule accuracy < 0.95 at the largest count" : "";
        var plot = new SvgPlot("Generalisation vs number of instructions", "distinct instructions (rules) in training", "exact-match accuracy", logX: true)
        {
            Note = $"scale '{config.Scale}', fixed budget {config.ExampleBudget} examples, {config.Seeds.Count} seed(s); bars = ±1 std over seeds{unconverged}",
        };
        foreach (var byAlpha in summary.GroupBy(s => s.Alpha))
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
        var csv = CsvText.Write(header, results.Select(r => new object?[]
        {
            r.Instructions, r.Alpha, r.EffectiveInstructions, r.PerplexityInstructions, r.Overlap.Pattern, r.Overlap.Either, r.ExamplesPerInstruction, r.Seed, r.Unseen.Value, r.UnseenHasOp.Value, r.UnseenNoOp.Value, r.Seen.Value, r.SeenHasOp.Value,
            r.SeenNoOp.Value, r.Unseen.Total, r.Seen.Total, r.FinalLoss, r.Steps, r.TrainSeconds, r.EvalSeconds, r.TrainTokensPerSecond,
        }));
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, csv);
        File.Move(tmp, path, overwrite: true);
    }
}
