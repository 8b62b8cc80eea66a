using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit demo`: active instruction tuning end to end at demo scale — a string-rewrite pool, then prompt
/// uncertainty, random, high- and low-perplexity selection over the same seeds, compared as learning curves. Runs
/// embedded in its own data directory; re-running resumes (finished experiments are not redone).
/// </summary>
internal sealed class DemoCommand : Command
{
    private readonly Option<string> _scale = new("--scale") { Description = "demo (about 8 min on 2 cores), report (the docs/curriculum.md run, about 40 min) or smoke (seconds, checks an installation)", DefaultValueFactory = _ => "demo" };
    private readonly Option<string> _out = new("--out") { Description = "Output directory (its data/ holds the pool and the experiments)", DefaultValueFactory = _ => "runs/demo" };
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON line per finished round instead of text" };
    private readonly EngineOptions _engine = new();

    public DemoCommand() : base("demo", "The main job at demo scale: active instruction tuning on a string-rewrite pool, four selection strategies compared")
    {
        _scale.AcceptOnlyFromAmong([.. CurriculumDemo.Names]);
        Options.Add(_scale);
        Options.Add(_out);
        Options.Add(_json);
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var demo = CurriculumDemo.Preset(parse.GetValue(_scale)!);
        var device = _engine.Apply(parse);
        var json = parse.GetValue(_json);
        var outDir = Directory.CreateDirectory(parse.GetValue(_out)!).FullName;
        var dataDir = Path.Combine(outDir, "data");
        await using var silo = await EmbeddedHost.StartAsync(dataDir, cancellationToken);
        var service = new ExperimentService(silo.Grains, Path.Combine(dataDir, "experiments"));
        var t = demo.Template;
        Console.Error.WriteLine($"ActiveIT demo, scale '{demo.Scale}' ({demo.Cost}): pool of {demo.Rules} string-rewrite rules × {demo.InstancesPerRule} instances; " +
                                $"{t.Evaluation.Tasks} held-out rules; {t.InitialTasks} initial tasks + {t.Rounds} rounds × {t.TasksPerRound}; " +
                                $"{t.Model.Layers}/{t.Model.Heads}/{t.Model.DModel} model, context {t.Model.Context}, {t.Training.Epochs} epochs; seeds {string.Join(",", t.Seeds)}; device {device}");
        if ((await new PoolService(silo.Grains).GetStatsAsync(demo.PoolName, cancellationToken)).Tasks == 0)
        {
            await new PoolService(silo.Grains).ImportAsync(demo.PoolName, demo.PoolTasks(), "demo", null, cancellationToken);
        }
        var experiments = new List<Experiment>();
        foreach (var strategy in CurriculumDemo.Strategies)
        {
            var config = t with { Name = $"{demo.Scale}-{strategy}", Pool = demo.PoolName, Strategy = strategy };
            if (await service.GetAsync(config.Name, cancellationToken) is { } existing)
            {
                if (JsonSerializer.Serialize(existing.Config) != JsonSerializer.Serialize(config))
                {
                    Console.Error.WriteLine($"activeit demo: {dataDir} holds experiment '{config.Name}' with other settings; use another --out");
                    return ExitCodes.InvalidInput;
                }
            }
            else
            {
                await service.CreateAsync(config, cancellationToken);
            }
            await service.StartAsync(config.Name, cancellationToken);
            Console.Error.WriteLine($"\n{config.Name}:");
            var done = await ForegroundRun.RunAsync(service, silo.Grains, Path.Combine(dataDir, "experiments"), device, config.Name,
                new ExperimentWatcher(service, json), cancellationToken);
            if (done is null)
            {
                return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Failure;
            }
            experiments.Add(done);
        }
        await File.WriteAllTextAsync(Path.Combine(outDir, "curves.svg"), ExperimentReport.Svg(experiments), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.csv"), ExperimentReport.Csv(experiments), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(experiments, Json.Indented), CancellationToken.None);
        if (!json)
        {
            Console.WriteLine($"\nheld-out {ExperimentReport.Metric(experiments[0])} (×100) on unseen rules, mean ± std over seeds (seeds):\n");
            Console.WriteLine(ExperimentReport.Compare(experiments));
            var seconds = experiments.SelectMany(e => e.Runs).SelectMany(r => r.Rounds)
                .Sum(r => r.Selection.Seconds + (r.Training?.Seconds ?? 0) + (r.Evaluation?.Seconds ?? 0));
            Console.WriteLine($"\n{seconds / 60:F1} min of selection, training and evaluation; curves.svg, results.csv and results.json in {outDir}");
        }
        return ExitCodes.Success;
    }
}
