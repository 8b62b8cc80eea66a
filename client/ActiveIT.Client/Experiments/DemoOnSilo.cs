using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pretraining;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs.Pretraining;
using System.Text.Json;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// `demo --silo URL`: the scale's experiments as runs of a silo. The pools are imported there, the bases pretrained
/// there as a pretraining run (into its model folder), and every experiment is created and started at once, so the
/// cluster's run queue hands them to whichever silos' workers are free: several silos share one arena. This process
/// only follows them, writing the records of the seeds every experiment has finished as they come; stopped, the
/// runs go on, and the same command again follows them (or, once they are done, reports them) without running any twice.
/// </summary>
internal static class DemoOnSilo
{
    public sealed record Outcome(IReadOnlyList<Experiment> Experiments, IReadOnlyList<PretrainedBase> Bases);

    /// <summary>The experiments once none is queued or running; null (with the reason on stderr) when one failed or was cancelled.</summary>
    /// <exception cref="InvalidOperationException">The bases' pretraining run did not complete.</exception>
    public static async Task<Outcome?> RunAsync(HttpClient http, CurriculumDemo demo, string outDir, bool json, CancellationToken cancellationToken)
    {
        var t = demo.Template;
        var pools = new RemotePoolService(http);
        foreach (var (pool, tasks) in new[] { (demo.PoolName, (Func<IReadOnlyList<ActiveIT.Core.Tasks.InstructionTask>>)demo.PoolTasks) }
                     .Concat(demo.EvaluationPool is null ? [] : [(demo.EvaluationPoolName, demo.EvaluationPoolTasks)]))
        {
            if ((await pools.GetStatsAsync(pool, cancellationToken)).Tasks == 0)
            {
                var summary = await pools.ImportAsync(pool, tasks(), "demo", null, cancellationToken);
                Console.Error.WriteLine($"pool '{pool}' imported on the silo: {summary.PoolTasks} tasks");
            }
        }

        var bases = await ActiveIT.Client.Commands.PretrainCommand.RunOnSiloAsync(http, new PretrainRequest(demo.Pretrain, t.Seeds), cancellationToken);
        foreach (var b in bases)
        {
            Console.Error.WriteLine($"base for seed {b.Seed}: loss {b.FinalLoss:F3}, {b.Seconds:F0} s{(b.Cached ? " (cached)" : "")}, {b.File} in the silo's model folder");
        }
        // Relative: the silo resolves it in its model folder, where the run just wrote the bases.
        var baseCheckpoint = BasePretraining.PathPattern("", demo.Pretrain);

        var service = new RemoteExperimentService(http);
        var names = new List<string>();
        foreach (var config in demo.Configs(baseCheckpoint))
        {
            var name = config.Name;
            if (await service.GetAsync(name, cancellationToken) is { } existing)
            {
                if (!SameSettings(existing.Config, config))
                {
                    throw new ArgumentException($"the silo holds experiment '{name}' with other settings (another scale's code, or made by hand); delete it or use another silo");
                }
            }
            else
            {
                await service.CreateAsync(config, cancellationToken: cancellationToken);
            }
            names.Add(name);
        }

        var watchers = names.ToDictionary(n => n, _ => new ExperimentWatcher(service, json));
        var started = 0;
        foreach (var name in names)
        {
            var experiment = (await service.GetAsync(name, cancellationToken))!;
            if (experiment.Status is RunStatus.Completed or RunStatus.Queued or RunStatus.Running)
            {
                continue;  // done, or already going (an earlier call of this command, or another researcher's)
            }
            try
            {
                await service.StartAsync(name, cancellationToken);
                started++;
            }
            catch (SiloConflictException)
            {
                // started by someone else between the read and the start: it runs, which is what was asked
            }
        }
        Console.Error.WriteLine($"{names.Count} experiments on the silo, {started} started now; the silos' workers take them from the cluster's queue " +
                                "(stopping this command leaves them running; the same command again follows them)");

        var recordsPath = Path.Combine(outDir, DemoRecords.FileName);
        var written = -1;
        var progress = new ProgressLine();
        while (true)
        {
            var experiments = new List<Experiment>();
            foreach (var name in names)
            {
                experiments.Add(await service.GetAsync(name, cancellationToken) ?? throw new InvalidOperationException($"experiment '{name}' was deleted on the silo"));
            }
            foreach (var e in experiments)
            {
                progress.Clear();
                watchers[e.Name].PrintNewRounds(e);
            }
            // Each experiment runs its seeds in order; a seed is whole once every experiment has finished it.
            var whole = t.Seeds.TakeWhile(s => experiments.All(e => Finished(e, s))).ToArray();
            if (whole.Length > written)
            {
                await DemoRecords.WriteAsync(recordsPath, demo, whole, experiments);
                written = whole.Length;
            }
            if (experiments.All(e => e.Status is not (RunStatus.Queued or RunStatus.Running)))
            {
                progress.Clear();
                if (experiments.FirstOrDefault(e => e.Status != RunStatus.Completed) is { } stopped)
                {
                    Console.Error.WriteLine($"activeit demo: experiment '{stopped.Name}' on the silo ended {stopped.Status.ToString().ToLowerInvariant()}" +
                                            $"{(stopped.Error is { } error ? $": {error}" : "")}; the records of the {whole.Length} seeds every experiment finished are in {recordsPath}");
                    return null;
                }
                return new Outcome(experiments, bases);
            }
            var running = experiments.Where(e => e.Status == RunStatus.Running).Select(e => e.Progress is { } p ? $"{e.Name} {ExperimentReport.Progress(p)}" : e.Name);
            progress.Update($"{experiments.Count(e => e.Status == RunStatus.Completed)} of {experiments.Count} done, {whole.Length} of {t.Seeds.Count} seeds whole; " +
                            $"running: {string.Join("; ", running)}");
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    /// <summary>All rounds of the seed evaluated (the experiment may be on its next seed).</summary>
    public static bool Finished(Experiment experiment, ulong seed) =>
        experiment.Runs.FirstOrDefault(r => r.Seed == seed) is { } run && run.Rounds.Count(r => r.Evaluation is not null) >= experiment.Config.Rounds + 1;

    /// <summary>
    /// The stored config is the one sent, but for what the silo fills in: the pool pins, and the base checkpoint made
    /// whole in its model folder (the file name must be the one sent).
    /// </summary>
    private static bool SameSettings(ExperimentConfig stored, ExperimentConfig sent) =>
        stored.Model.BaseCheckpoint is { } path && sent.Model.BaseCheckpoint is { } relative
        && (path == relative || path.EndsWith('/' + relative, StringComparison.Ordinal) || path.EndsWith('\\' + relative, StringComparison.Ordinal))
        && JsonSerializer.Serialize(stored with { Pins = [], Model = stored.Model with { BaseCheckpoint = relative } })
           == JsonSerializer.Serialize(sent with { Pins = [] });
}
