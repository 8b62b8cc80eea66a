using ActiveIT.Runs.Pretraining;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Families;
using ActiveIT.Core.Uncertainty;
using ActiveIT.Engine;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs;
using ActiveIT.Runs.Scoring;
using ActiveIT.Runs.Curriculum;
using ActiveIT.Core.Tasks;
using ActiveIT.Core;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit demo`: active instruction tuning end to end (issue #13) — a task-families pool with known ground truth,
/// a base pretrained per seed, then each strategy's rounds from it over the same seeds; learning curves on unseen
/// tasks and unseen families, the paired difference to random, and the task map against the injected ground truth.
/// Runs on the local silo of its own data directory; re-running resumes (cached bases and finished experiments are kept).
/// </summary>
internal sealed class DemoCommand : Command
{
    private readonly Option<string> _scale = new("--scale")
    {
        Description = "demo (the default), report (the docs/curriculum.md run, 5 seeds), arena (every task-level strategy, 10 seeds, the noise cut: docs/selection.md) " +
                      "or smoke (seconds, checks an installation); each prints its measured time",
        DefaultValueFactory = _ => "demo",
    };
    private readonly Option<string> _out = new("--out") { Description = "Output directory (its data/ holds the pool, the bases and the experiments)", DefaultValueFactory = _ => "runs/demo" };
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON line per finished round instead of text" };
    private readonly Option<string[]> _strategies = new("--strategies")
    {
        Description = "Run and report only these of the scale's strategies (comma-separated; a pilot, or a share of a long run); finished ones are kept for the next call",
        CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
    };
    private readonly Option<ulong> _poolSeed = new("--pool-seed")
    {
        Description = "Draw the families pool from this seed (1: the pool of every measured run; another checks a result on a second pool draw)",
        DefaultValueFactory = _ => 1,
    };
    private readonly Option<string> _restore = new("--restore")
    {
        Description = "Bring over the seeds every experiment finished from the records.json of an earlier run of this scale (its --out, kept on this or " +
                      "another machine) before running: they are not run again, and the run goes on with the next seed",
    };
    private readonly Option<bool?> _mapDynamics = new("--map-dynamics")
    {
        Description = "Whether the task map check also trains the first seed's base on the candidates to read their training dynamics " +
                      "(default: on for report and arena, off for demo and smoke, where it would add about 2.5 minutes)",
    };
    private readonly Option<string?> _silo = new("--silo")
    {
        Description = "Run on this silo (URL; key in $ACTIVEIT_API_KEY; default: $ACTIVEIT_SILO; none: the local silo of --out): pools, bases and experiments " +
                      "become the silo's, and every silo of its cluster takes experiments from the shared queue. The silo's engine settings apply, not --threads/--device/--precision",
    };
    private readonly EngineOptions _engine = new(fastDefault: true);

    public DemoCommand() : base("demo", "The main job at demo scale: active instruction tuning on a task-families pool, selection strategies compared with paired statistics")
    {
        _scale.AcceptOnlyFromAmong([.. CurriculumDemo.Names]);
        Options.Add(_scale);
        Options.Add(_out);
        Options.Add(_json);
        Options.Add(_strategies);
        Options.Add(_poolSeed);
        Options.Add(_restore);
        Options.Add(_silo);
        Options.Add(_mapDynamics);
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var demo = CurriculumDemo.Preset(parse.GetValue(_scale)!);
        if (parse.GetValue(_strategies) is { Length: > 0 } only)
        {
            if (only.FirstOrDefault(x => !demo.Strategies.Contains(x)) is { } unknown)
            {
                Console.Error.WriteLine($"activeit demo: --strategies: '{unknown}' is not a strategy of scale '{demo.Scale}' ({string.Join(", ", demo.Strategies)})");
                return ExitCodes.InvalidInput;
            }
            demo = demo with { Strategies = [.. demo.Strategies.Where(only.Contains)] };
        }
        demo = demo with { PoolSeed = parse.GetValue(_poolSeed), MapDynamics = parse.GetValue(_mapDynamics) ?? demo.MapDynamics };
        if (demo.PoolSeed == 0 || (demo.EvaluationPool is not null && demo.PoolSeed == CurriculumDemo.EvaluationPoolSeed))
        {
            Console.Error.WriteLine($"activeit demo: --pool-seed: {demo.PoolSeed} is {(demo.PoolSeed == 0 ? "not a seed (1 or more)" : $"the seed of scale '{demo.Scale}''s evaluation pool")}");
            return ExitCodes.InvalidInput;
        }
        var json = parse.GetValue(_json);
        var outDir = Directory.CreateDirectory(parse.GetValue(_out)!).FullName;
        if (SiloHttp.Url(parse.GetValue(_silo)) is { } url)
        {
            return await OnSiloAsync(parse, demo, url, outDir, json, wall, cancellationToken);
        }
        var device = _engine.Apply(parse);
        var dataDir = Path.Combine(outDir, "data");
        await using var silo = await Local.LocalCluster.ConnectAsync(dataDir, cancellationToken);
        var experimentsDir = Path.Combine(dataDir, "experiments");
        var service = new ExperimentService(silo.Grains, experimentsDir);
        var t = demo.Template;
        var p = demo.Pretrain;
        Describe(demo, $"device {device}, {EngineRuntime.DefaultPrecision.Name()}");
        var pools = new PoolService(silo.Grains);
        if ((await pools.GetStatsAsync(demo.PoolName, cancellationToken)).Tasks == 0)
        {
            await pools.ImportAsync(demo.PoolName, demo.PoolTasks(), "demo", null, cancellationToken);
        }
        if (demo.EvaluationPool is not null && (await pools.GetStatsAsync(demo.EvaluationPoolName, cancellationToken)).Tasks == 0)
        {
            await pools.ImportAsync(demo.EvaluationPoolName, demo.EvaluationPoolTasks(), "demo", null, cancellationToken);
        }

        var basesDir = Path.Combine(dataDir, "bases");
        var pretraining = new List<(ulong Seed, PretrainResult Result)>();
        foreach (var seed in t.Seeds)
        {
            var result = await Task.Run(() => PretrainCommand.Pretrain(p, seed, basesDir, device, json ? null : Console.Error, cancellationToken), CancellationToken.None);
            Console.Error.WriteLine($"base for seed {seed}: loss {result.FinalLoss:F3}, {result.Seconds:F0} s{(result.Cached ? " (cached)" : "")}");
            pretraining.Add((seed, result));
        }
        var baseCheckpoint = BasePretraining.PathPattern(basesDir, p);

        DemoRecords? restore;
        try
        {
            restore = parse.GetValue(_restore) is { } recordsFile ? DemoRecords.Read(recordsFile) : null;
        }
        catch (ArgumentException bad)
        {
            Console.Error.WriteLine($"activeit demo: --restore: {bad.Message}");
            return ExitCodes.InvalidInput;
        }
        var names = new List<string>();
        foreach (var config in demo.Configs(baseCheckpoint))
        {
            if (restore is not null && await service.GetAsync(config.Name, cancellationToken) is null)
            {
                Experiment restored;
                try
                {
                    restored = restore.Restorable(config, demo);
                }
                catch (ArgumentException bad)
                {
                    Console.Error.WriteLine($"activeit demo: --restore: {bad.Message}");
                    return ExitCodes.InvalidInput;
                }
                await silo.Grains.GetGrain<ICurriculumGrain>(config.Name).RestoreAsync(restored);
                Console.Error.WriteLine($"{config.Name}: restored seeds {string.Join(",", restored.Runs.Select(r => r.Seed))} from {parse.GetValue(_restore)}");
            }
            if (await service.GetAsync(config.Name, cancellationToken) is { } existing)
            {
                if (JsonSerializer.Serialize(existing.Config with { Pins = [] }) != JsonSerializer.Serialize(config))  // pins are filled at creation
                {
                    Console.Error.WriteLine($"activeit demo: {dataDir} holds experiment '{config.Name}' with other settings; use another --out");
                    return ExitCodes.InvalidInput;
                }
            }
            else
            {
                await service.CreateAsync(config, cancellationToken: cancellationToken);
            }
            names.Add(config.Name);
        }
        // Seed by seed, every strategy: the paired comparison is whole after each seed, so a long run stopped early (or
        // followed while it runs) still compares every strategy on the seeds it has.
        var watchers = names.ToDictionary(n => n, _ => new ExperimentWatcher(service, json));
        for (var seeds = 1; seeds <= t.Seeds.Count; seeds++)
        {
            foreach (var name in names)
            {
                watchers[name].SeedLimit = seeds;
                if (await service.GetAsync(name, cancellationToken) is { Status: ActiveIT.Grains.Runs.RunStatus.Completed } done)
                {
                    watchers[name].PrintNewRounds(done);  // finished before: its rounds, in the order a fresh run prints them
                    continue;
                }
                await service.StartAsync(name, cancellationToken);
                Console.Error.WriteLine($"\n{name}, seed {t.Seeds[seeds - 1]}:");
                if (await ForegroundRun.RunAsync(service, silo.Grains, experimentsDir, device, name, watchers[name], cancellationToken, seeds) is null)
                {
                    return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Failure;
                }
            }
            // Every experiment has finished this seed: what a later run, here or on another machine, can restore.
            var finished = new List<Experiment>();
            foreach (var name in names)
            {
                finished.Add((await service.GetAsync(name, cancellationToken))!);
            }
            await DemoRecords.WriteAsync(Path.Combine(outDir, DemoRecords.FileName), demo, [.. t.Seeds.Take(seeds)], finished);
        }
        var experiments = new List<Experiment>();
        foreach (var name in names)
        {
            experiments.Add((await service.GetAsync(name, cancellationToken))!);
        }
        var map = await MapCheckAsync(silo.Grains, pools, demo, experiments, device, cancellationToken);
        return await ReportAsync(demo, experiments, map, pretraining.Select(x => new { x.Seed, x.Result }), pretraining.Where(x => !x.Result.Cached).Sum(x => x.Result.Seconds),
            outDir, json, wall, silo: null);
    }

    /// <summary>What the run will do, on stderr: the scale, the pool, the bases, the rounds, the strategies and seeds.</summary>
    private static void Describe(CurriculumDemo demo, string engine)
    {
        var t = demo.Template;
        var p = demo.Pretrain;
        Console.Error.WriteLine($"ActiveIT demo, scale '{demo.Scale}' (measured: {demo.Measured}); {engine}\n" +
                                $"pool{(demo.PoolSeed == 1 ? "" : $" (drawn from seed {demo.PoolSeed})")}: {demo.Pool.Tasks} tasks × {demo.Pool.InstancesPerTask} instances from {CurriculumDemo.Families.Length} families " +
                                $"({demo.Pool.ClassificationShare:P1} classification, {demo.Pool.AmbiguousShare:P0} ambiguous, {demo.Pool.NoisyShare:P0} noisy); " +
                                $"held out whole: {string.Join(", ", demo.HeldOutFamilies)}\n" +
                                $"base per seed: {p.Layers}/{p.Heads}/{p.DModel}, {p.Steps} steps × {p.BatchSize} documents without instructions\n" +
                                $"rounds: {t.InitialTasks} initial tasks + {t.Rounds} × {t.TasksPerRound}, {t.InstancesPerTask} instances each, {t.Training.Epochs} epochs from the base; " +
                                $"evaluated on {t.Evaluation.Tasks} unseen tasks{(demo.EvaluationPool is { } e ? $" (of an evaluation pool of {e.Tasks})" : "")} × {t.Evaluation.InstancesPerTask} " +
                                $"+ {t.Evaluation.HeldOutCategoryTasks} tasks of unseen families; {(demo.RandomDraws > 1 ? $"random × {demo.RandomDraws} draws; " : "")}" +
                                $"strategies {string.Join(", ", demo.Strategies)}; seeds {string.Join(",", t.Seeds)}");
    }

    /// <summary>
    /// The same experiments as runs of a silo (<see cref="DemoOnSilo"/>), and the same report from their records. The task
    /// map check is left out: it reads the task grains' scores and trains the base again, which are the silo's.
    /// </summary>
    private async Task<int> OnSiloAsync(ParseResult parse, CurriculumDemo demo, string url, string outDir, bool json, Stopwatch wall, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_restore) is not null)
        {
            Console.Error.WriteLine("activeit demo: --restore brings records into the local data directory of --out; with --silo the silo keeps the experiments, " +
                                    "and the same command again goes on where they stand");
            return ExitCodes.InvalidInput;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Console.Error.WriteLine($"activeit demo: --silo '{url}': an http(s) URL, e.g. http://127.0.0.1:5080");
            return ExitCodes.InvalidInput;
        }
        Describe(demo, $"on the silo {url} (its engine settings)");
        try
        {
            using var http = SiloHttp.CreateClient(url);
            if (await DemoOnSilo.RunAsync(http, demo, outDir, json, cancellationToken) is not { } done)
            {
                return ExitCodes.Failure;
            }
            Console.Error.WriteLine("task map check: left out on a silo (it reads the task grains' scores there); `activeit map --silo` shows the map");
            return await ReportAsync(demo, done.Experiments, null, done.Bases, done.Bases.Where(b => !b.Cached).Sum(b => b.Seconds), outDir, json, wall, url);
        }
        catch (ArgumentException bad)
        {
            Console.Error.WriteLine($"activeit demo: {bad.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            Console.Error.WriteLine($"activeit demo: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("activeit demo: stopped following; the experiments go on on the silo, and the same command again follows them");
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>The comparison of the finished experiments: tables on stdout (unless --json), plots, results.csv and results.json in <paramref name="outDir"/>.</summary>
    /// <param name="silo">Where the experiments ran: a silo's URL, or null for the local silo of <paramref name="outDir"/>.</param>
    private static async Task<int> ReportAsync(CurriculumDemo demo, IReadOnlyList<Experiment> experiments, MapCheck? map, object pretraining, double pretrainSeconds,
        string outDir, bool json, Stopwatch wall, string? silo)
    {
        var t = demo.Template;

        // The baseline: random, or the mean of its draws per seed; ranked at the last round and by the curve's mean (rounds 1..R).
        var draws = experiments.Where(e => e.Config.Strategy == "random").Select(e => e.Name).ToArray();
        var scores = experiments.Select(SeedScores.Of).ToArray();
        var baseline = PairedDifference.ChooseBaseline(scores, draws.Length > 0 ? string.Join(",", draws) : null);
        var paired = PairedDifference.Of(scores, baseline);
        var ranking = ArenaRanking.Of(experiments, paired, baseline);
        var curveScores = SeedScores.At(scores, "curve");
        var curveBaseline = PairedDifference.ChooseBaseline(curveScores, draws.Length > 0 ? string.Join(",", draws) : null);
        var curvePaired = PairedDifference.Of(curveScores, curveBaseline);
        var curveRanking = ArenaRanking.Of(experiments, curvePaired, curveBaseline);
        await File.WriteAllTextAsync(Path.Combine(outDir, "curves.svg"), ExperimentReport.Svg(experiments), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "paired.svg"), ExperimentReport.PairedSvg(experiments, paired), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "ranking.svg"), ArenaRankingOutput.Svg(ranking, baseline.Experiment), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "ranking-curve.svg"), ArenaRankingOutput.Svg(curveRanking, curveBaseline.Experiment, "the mean over rounds 1..R"),
            CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.csv"), ExperimentReport.Csv(experiments), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(new
        {
            scale = demo.Scale, pool_seed = demo.PoolSeed, silo, pretraining, experiments, baseline = baseline.Members, paired, ranking,
            curve_paired = curvePaired, curve_ranking = curveRanking, map_check = map,
            wall_seconds = wall.Elapsed.TotalSeconds, code_version = RunEnvironment.Version,
        }, Json.Indented), CancellationToken.None);
        if (!json)
        {
            Console.WriteLine($"\nheld-out {ExperimentReport.Metric(experiments[0])} (×100) on unseen tasks of the pool's families, mean ± std over seeds (seeds):\n");
            Console.WriteLine(ExperimentReport.Compare(experiments));
            Console.WriteLine($"\non tasks of the families held out whole ({string.Join(", ", demo.HeldOutFamilies)}):\n");
            Console.WriteLine(ExperimentReport.Compare(experiments, unseenCategories: true));
            var overall = paired.Where(r => r.Category == PairedDifference.Overall).ToArray();
            if (overall.Length > 0)
            {
                Console.WriteLine($"\ndifference to {baseline.Experiment}, paired by seed, 95 % t interval, and the smallest true difference these seeds detect " +
                    "with 80 % power (per family: results.json, `activeit experiment compare`; seeds needed: `activeit experiment plan`):\n");
                Console.WriteLine(ExperimentReport.Paired(overall));
                Console.WriteLine($"\nranking: gain over {baseline.Experiment} at the last round, best first, with each strategy's median selection and training " +
                    "seconds per round (selection over the rounds that scored their own candidates; cached: it always read another strategy's scores):\n");
                Console.WriteLine(ArenaRankingOutput.Table(ranking));
                Console.WriteLine($"\nranking by the curve: each seed's mean over rounds 1..R (R: the round column) against {curveBaseline.Experiment}'s:\n");
                Console.WriteLine(ArenaRankingOutput.Table(curveRanking));
            }
            if (map is not null)
            {
                Console.WriteLine($"\ntask map under {map.Source} against the injected ground truth ({TaskMap.Rule(t.AmbiguousShare)}):\n");
                var table = new TextTable("injected", "tasks", "category", "in category", "of category", "precision", "recall");
                foreach (var row in map.Rows)
                {
                    table.Add(row.Injected, row.Injections, row.Category, row.Hits, row.CategorySize, row.Precision, row.Recall);
                }
                table.FitToRows();
                Console.WriteLine(table);
                Console.WriteLine("\neach axis as a ranking: precision at the shortest head that finds half the injected tasks, and in the top third:\n");
                var ranks = new TextTable("injected", "ranked by", "tasks", "of them injected", "head for half", "precision there", "top-third precision", "top-third recall");
                foreach (var r in map.Ranks)
                {
                    ranks.Add(r.Injected, r.Score, r.Tasks, r.Injections, r.HeadAtHalfRecall, r.PrecisionAtHalfRecall, r.PrecisionTopThird, r.RecallTopThird);
                }
                ranks.FitToRows();
                Console.WriteLine(ranks);
            }
            Console.WriteLine($"\n{wall.Elapsed.TotalMinutes:F1} min wall (base pretraining {pretrainSeconds / 60:F1} min); " +
                              $"curves.svg, paired.svg, ranking.svg, ranking-curve.svg, results.csv and results.json in {outDir}");
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// The task map of every candidate as the first prompt-uncertainty round scored them (under the round-0 model of
    /// the first seed), against the tasks' injected ambiguity and label noise; null without such a round.
    /// </summary>
    private static async Task<MapCheck?> MapCheckAsync(IGrainFactory grains, PoolService pools, CurriculumDemo demo,
        IReadOnlyList<Experiment> experiments, string device, CancellationToken cancellationToken)
    {
        var pu = experiments.FirstOrDefault(e => e.Config.Strategy == "prompt-uncertainty");
        var round = pu?.Runs.FirstOrDefault()?.Rounds.FirstOrDefault(r => r.Round == 1);
        if (round?.Selection.ScoreKey is not { } keyText)
        {
            return null;
        }
        var key = ActiveIT.Grains.Storage.LegacyStateImport.ParseScoreKey(keyText);
        var points = new List<TaskMap.Point>();
        var labelLoss = new Dictionary<string, double>(StringComparer.Ordinal);
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        var tasks = new List<InstructionTask>();
        foreach (var member in await grains.GetGrain<ITaskPoolGrain>(demo.PoolName).ListAllAsync())
        {
            if (await grains.GetGrain<ITaskGrain>(member.ContentHash).GetScoreAsync(key) is { } score
                && await pools.GetTaskAsync(demo.PoolName, member.TaskId, cancellationToken) is { } task)
            {
                points.Add(new TaskMap.Point(member.TaskId, score.Values[ActiveIT.Runs.Scoring.PoolScorer.PromptUncertainty],
                    score.Values[ActiveIT.Runs.Scoring.PoolScorer.PredictionProbability]));
                truth[member.TaskId] = task.Metadata.GetValueOrDefault(FamilyTaskSource.Injected, "none");
                tasks.Add(task);
                if (score.Values.TryGetValue(ActiveIT.Runs.Scoring.PoolScorer.LabelLoss, out var loss))
                {
                    labelLoss[member.TaskId] = loss;
                }
            }
        }
        if (points.Count == 0)
        {
            return null;
        }
        var ranks = TaskMapTruth.RankAxes(points, labelLoss, truth).ToList();
        var seed = pu!.Runs[0].Seed;
        var source = $"{pu.Name} seed {seed}'s round-0 model ({points.Count} candidates)";
        if (demo.MapDynamics && pu.Config.Model.BaseCheckpointFor(seed) is { } basePath)
        {
            // Training dynamics: the seed's base trained on the candidates themselves, as a round would train on them.
            var c = pu.Config;
            var pairs = tasks.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => (t.Id, (IReadOnlyList<TokenPair>)[.. CurriculumData.TrainingPairs(t, seed, c)])).ToArray();
            var epochs = DynamicsEpochs * c.Training.Epochs;
            var steps = TrainingLoop.StepCount(pairs.Sum(p => p.Item2.Count), c.Training.BatchSize, epochs);
            Console.Error.WriteLine($"task map: training dynamics, seed {seed}'s base trained on the {pairs.Length} candidates ({steps} steps)");
            var dynamics = await Task.Run(() =>
            {
                using var model = GptModel.Load(basePath, device);
                return TrainingDynamics.Measure(model, pairs, new TrainingConfig((float)c.Training.LearningRate, steps, Math.Min(c.Training.WarmupSteps, steps),
                    LrSchedule.Linear, (float)c.Training.WeightDecay), c.Training.BatchSize, epochs, SeededRandom.For(seed, "map/dynamics").NextULong(),
                    cancellationToken: cancellationToken);
            }, cancellationToken);
            var confidence = dynamics.ToDictionary(d => d.TaskId, d => d.Confidence);
            // Against its own category (a family here, a task type in NIV2): a clean task of a hard category is low
            // with its siblings, a task with wrong labels is low among them.
            var category = tasks.ToDictionary(t => t.Id, t => t.Categories.FirstOrDefault() ?? "");
            var medians = confidence.GroupBy(x => category[x.Key]).ToDictionary(g => g.Key, g => TrainingDynamics.Median([.. g.Select(x => x.Value)]));
            var relative = confidence.ToDictionary(x => x.Key, x => x.Value - medians[category[x.Key]]);
            var variability = dynamics.ToDictionary(d => d.TaskId, d => d.Variability);
            var lowShare = dynamics.ToDictionary(d => d.TaskId, d => d.LowShare);
            foreach (var kind in new[] { "noisy", "ambiguous" })
            {
                ranks.Add(TaskMapTruth.Rank(confidence, truth, kind, "training confidence (low first)", highFirst: false));
                ranks.Add(TaskMapTruth.Rank(relative, truth, kind, "confidence below its category's median (low first)", highFirst: false));
                ranks.Add(TaskMapTruth.Rank(lowShare, truth, kind, "unlearned share (high first)", highFirst: true));
                ranks.Add(TaskMapTruth.Rank(variability, truth, kind, "training variability (high first)", highFirst: true));
            }
            source += $"; training dynamics: seed {seed}'s base trained {epochs} epochs on the candidates";
        }
        return new MapCheck(source, TaskMapTruth.Check(TaskMap.Categorize(points, pu.Config.AmbiguousShare), truth), [.. ranks.Where(r => r.Injections > 0)]);
    }

    /// <summary>Training dynamics train this many times a round's epochs: long enough for most clean tasks to be learned.</summary>
    private const int DynamicsEpochs = 3;

    private sealed record MapCheck(string Source, IReadOnlyList<TaskMapTruth.Row> Rows, IReadOnlyList<TaskMapTruth.RankRow> Ranks);
}
