using ActiveIT.Grains.Runs;
using System.Globalization;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>Experiments as people and programs read them: round tables, learning curves (mean ± std over seeds), CSV and SVG.</summary>
internal static class ExperimentReport
{
    /// <summary>One point of a learning curve: a round, its training-set size, the metric's mean and sample std over the seeds that finished it.</summary>
    public sealed record CurvePoint(int Round, double TrainingTasks, double Mean, double Std, int Seeds);

    /// <param name="unseenCategories">The curve on tasks of held-out categories instead of the unseen tasks of seen ones.</param>
    public static IReadOnlyList<CurvePoint> Curve(Experiment experiment, bool unseenCategories = false) =>
    [
        .. experiment.Runs.SelectMany(r => r.Rounds)
            .Where(r => unseenCategories ? r.Evaluation?.UnseenCategories is not null : r.Evaluation is not null).GroupBy(r => r.Round).OrderBy(g => g.Key).Select(g =>
        {
            var values = g.Select(r => unseenCategories ? r.Evaluation!.UnseenCategories!.Value : r.Evaluation!.Value).ToArray();
            var mean = values.Average();
            var std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
            return new CurvePoint(g.Key, g.Average(r => r.TrainingTasks), mean, std, values.Length);
        }),
    ];

    public static string Metric(Experiment experiment) =>
        experiment.Runs.SelectMany(r => r.Rounds).Select(r => r.Evaluation?.Metric).FirstOrDefault(m => m is not null) ?? "metric";

    public static string Progress(ExperimentProgress p) =>
        $"seed {p.Seed} ({p.SeedIndex + 1}/{p.Seeds}) · round {p.Round}/{p.Rounds} · {p.Step} {p.Done}/{p.Total}{(p.Detail is null ? "" : $" · {p.Detail}")}";

    public static TextTable List(IReadOnlyList<Experiment> experiments)
    {
        var table = new TextTable("experiment", "pool", "strategy", "status", "seeds", "rounds done", "latest", "progress");
        foreach (var e in experiments)
        {
            var (done, total) = e.CompletedRounds;
            var curve = Curve(e);
            table.Add(e.Name, e.Config.Pool, e.Config.Strategy, e.Status.ToString().ToLowerInvariant(), e.Config.Seeds.Count, $"{done}/{total}",
                curve.Count == 0 ? "-" : $"{Metric(e)} {curve[^1].Mean:F2} @ {curve[^1].TrainingTasks:0} tasks",
                e.Status == RunStatus.Running && e.Progress is { } p ? Progress(p) : e.Error ?? "");
        }
        table.FitToRows();
        return table;
    }

    public static TextTable Rounds(Experiment experiment)
    {
        var table = new TextTable("seed", "round", "tasks", "new", Metric(experiment), "exact match", "ROUGE-L", "scored", "cached", "select s", "train s",
            "tokens/s", "loss", "eval s", "model");
        foreach (var run in experiment.Runs.OrderBy(r => experiment.Config.Seeds.ToList().IndexOf(r.Seed)))
        {
            foreach (var r in run.Rounds.OrderBy(r => r.Round))
            {
                table.Add(run.Seed, r.Round, r.TrainingTasks, r.Selection.Selected.Count, r.Evaluation?.Value ?? double.NaN, r.Evaluation?.ExactMatch ?? double.NaN,
                    r.Evaluation?.RougeL ?? double.NaN, r.Selection.ScoredNow, r.Selection.ScoresFromCache, r.Selection.Seconds,
                    r.Training?.Seconds ?? double.NaN, r.Training?.TokensPerSecond ?? double.NaN, r.Training?.FinalLoss ?? double.NaN,
                    r.Evaluation?.Seconds ?? double.NaN, r.Training?.ModelVersion ?? "-");
            }
        }
        table.FitToRows();
        return table;
    }

    /// <summary>Rounds down, experiments across: "mean ± std (seeds)" of each experiment's metric.</summary>
    public static TextTable Compare(IReadOnlyList<Experiment> experiments, bool unseenCategories = false)
    {
        var curves = experiments.Select(e => Curve(e, unseenCategories)).ToArray();
        var table = new TextTable(["round", "tasks", .. experiments.Select(e => e.Name)]);
        var rounds = curves.SelectMany(c => c.Select(p => p.Round)).Distinct().Order();
        foreach (var round in rounds)
        {
            var points = curves.Select(c => c.SingleOrDefault(p => p.Round == round)).ToArray();
            var tasks = string.Join("/", points.Where(p => p is not null).Select(p => p!.TrainingTasks.ToString("0", CultureInfo.InvariantCulture)).Distinct());
            table.Add([round, tasks, .. points.Select(p => p is null ? "-" : $"{p.Mean:F2} ± {p.Std:F2} ({p.Seeds})")]);
        }
        table.FitToRows();
        return table;
    }

    /// <summary>One row per experiment, round and category: the paired mean difference, its interval, the spread of the
    /// per-seed differences and the smallest true difference these seeds detect (80 % power, 5 % two-sided).</summary>
    public static TextTable Paired(IReadOnlyList<PairedDifference> rows)
    {
        var categories = rows.Select(r => r.Category).Distinct().Count();
        var table = new TextTable("experiment", "round", "category", "seeds", "difference", "95 % interval", "sd", "detectable");
        foreach (var r in rows.Where(r => categories <= 2 ? r.Category == PairedDifference.Overall : true))
        {
            table.Add(r.Experiment, r.Round, r.Category, r.Seeds, r.Mean.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
                double.IsNaN(r.Low) ? "-" : $"[{r.Low:F2}, {r.High:F2}]", double.IsNaN(r.Sd) ? "-" : $"{r.Sd:F2}",
                double.IsNaN(r.MinimumDetectable) ? "-" : $"±{r.MinimumDetectable:F2}");
        }
        table.FitToRows();
        return table;
    }

    /// <summary>Whether any round of these experiments evaluated held-out categories.</summary>
    public static bool HasUnseenCategories(IReadOnlyList<Experiment> experiments) =>
        experiments.SelectMany(e => e.Runs).SelectMany(r => r.Rounds).Any(r => r.Evaluation?.UnseenCategories is not null);

    public static string Svg(IReadOnlyList<Experiment> experiments)
    {
        var curves = experiments.Select(e => (e.Name, Curve(e))).ToArray();
        var top = curves.SelectMany(c => c.Item2.Select(p => p.Mean + p.Std)).DefaultIfEmpty(1).Max();
        var metric = experiments.Select(Metric).FirstOrDefault(m => m != "metric") ?? "metric";
        var plot = new SvgPlot($"Held-out {metric.Replace('_', ' ')} by training tasks", "tasks trained on", $"{metric.Replace('_', ' ')} (×100)", logX: false)
        {
            YMin = 0,
            YMax = Math.Max(1, Math.Ceiling(top / 5) * 5),
            Note = $"mean ± std over seeds; pool {string.Join(", ", experiments.Select(e => e.Config.Pool).Distinct())}",
        };
        foreach (var (name, curve) in curves)
        {
            plot.Add(name, [.. curve.Select(p => (p.TrainingTasks, p.Mean, p.Std))]);
        }
        return plot.Render();
    }

    /// <summary>Each experiment's overall paired difference to the baseline by training-set size, its 95 % interval as the bar.</summary>
    public static string PairedSvg(IReadOnlyList<Experiment> experiments, IReadOnlyList<PairedDifference> rows)
    {
        var overall = rows.Where(r => r.Category == PairedDifference.Overall).ToArray();
        var tasks = experiments.ToDictionary(e => e.Name, e => Curve(e).ToDictionary(p => p.Round, p => p.TrainingTasks));
        static double Half(PairedDifference r) => double.IsNaN(r.Low) ? 0 : (r.High - r.Low) / 2;
        var reach = overall.Select(r => Math.Abs(r.Mean) + Half(r)).DefaultIfEmpty(1).Max();
        var limit = Math.Max(1, Math.Ceiling(reach / 5) * 5);
        var baseline = overall.FirstOrDefault()?.Baseline ?? "baseline";
        var plot = new SvgPlot($"Difference to {baseline}, paired by seed", "tasks trained on", "difference (×100)", logX: false)
        {
            YMin = -limit,
            YMax = limit,
            Note = $"mean over seeds with its 95 % t interval; {overall.Select(r => r.Seeds).DefaultIfEmpty(0).Max()} seeds",
        };
        foreach (var group in overall.GroupBy(r => r.Experiment))
        {
            plot.Add(group.Key, [.. group.Where(r => tasks[r.Experiment].ContainsKey(r.Round)).Select(r => (tasks[r.Experiment][r.Round], r.Mean, Half(r)))]);
        }
        return plot.Render();
    }

    private static readonly string[] CsvHeader =
    [
        "experiment", "pool", "strategy", "class_balance", "seed", "round", "training_tasks", "new_tasks", "metric", "value", "exact_match", "rouge_l",
        "candidates", "scored_now", "scores_from_cache", "select_seconds", "train_examples", "train_steps", "train_loss", "train_seconds",
        "train_tokens_per_second", "eval_tasks", "eval_instances", "eval_seconds", "unseen_category_value", "unseen_category_tasks",
        "train_prompts_fewer_examples", "train_prompts_cut", "eval_prompts_fewer_examples", "eval_prompts_cut", "model_version", "checkpoint", "selected_tasks",
        "code_version", "torch_version", "device", "threads", "config",
    ];

    /// <summary>One row per seed and round, with the full config (as JSON) and the versions of the session that ran it last.</summary>
    public static string Csv(IReadOnlyList<Experiment> experiments) => CsvText.Write(CsvHeader, experiments.SelectMany(e =>
    {
        var session = e.Sessions.LastOrDefault();
        var config = JsonSerializer.Serialize(e.Config, Json.Options);
        return e.Runs.SelectMany(run => run.Rounds.OrderBy(r => r.Round).Select(r => new object?[]
        {
            e.Name, e.Config.Pool, e.Config.Strategy, e.Config.ClassBalance, run.Seed, r.Round, r.TrainingTasks, r.Selection.Selected.Count,
            r.Evaluation?.Metric, r.Evaluation?.Value, r.Evaluation?.ExactMatch, r.Evaluation?.RougeL,
            r.Selection.Candidates, r.Selection.ScoredNow, r.Selection.ScoresFromCache, r.Selection.Seconds,
            r.Training?.Examples, r.Training?.Steps, r.Training?.FinalLoss, r.Training?.Seconds, r.Training?.TokensPerSecond,
            r.Evaluation?.Tasks, r.Evaluation?.Instances, r.Evaluation?.Seconds, r.Evaluation?.UnseenCategories?.Value,
            r.Evaluation?.UnseenCategories?.Tasks, r.Training?.Prompts?.FewerExamples, r.Training?.Prompts?.Cut,
            r.Evaluation?.Prompts?.FewerExamples, r.Evaluation?.Prompts?.Cut, r.Training?.ModelVersion, r.Training?.Checkpoint,
            string.Join(" ", r.Selection.Selected.Select(s => s.TaskId)),
            session?.CodeVersion, session?.TorchVersion, session?.Device, session?.Threads, config,
        }));
    }));
}
