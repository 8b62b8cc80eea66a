using ActiveIT.Grains.Pretraining;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs;
using ActiveIT.Runs.Curriculum;
using ActiveIT.Runs.Pretraining;
using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Tests;

/// <summary>
/// Engine results are bit-identical for the same thread count only while nothing else in the process uses the
/// engine (concurrent callers change how libtorch's thread pool splits reductions), so these run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}

/// <summary>The curriculum loop end to end on the real engine and a SQLite file, at a scale of seconds.</summary>
[Collection(AloneCollection.Name)]
public sealed class CurriculumTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-curriculum-").FullName;
    private string Experiments => Path.Combine(_dir, "experiments");

    public static ExperimentConfig Config(string name, string strategy = "prompt-uncertainty") => new()
    {
        Name = name,
        Pool = "rewrite",
        Strategy = strategy,
        InitialTasks = 4,
        TasksPerRound = 3,
        Rounds = 2,
        InstancesPerTask = 4,
        Evaluation = new EvaluationSpec { Tasks = 3, InstancesPerTask = 3, MaxNewTokens = 8 },
        Model = new ModelSpec { Layers = 1, Heads = 2, DModel = 32, Context = 192 },
        Training = new TrainingSpec { Epochs = 1, BatchSize = 8, WarmupSteps = 1 },
        Scoring = new ScoringSpec { Instances = 2, Perturbations = 2, MaxNewTokens = 8 },
        Seeds = [1],
    };

    /// <summary>A silo over the test's SQLite file; two of them are two processes' embedded silos on one database.</summary>
    private Task<EmbeddedSilo> HostAsync() => TestSilos.SqliteAsync(_dir);

    private CurriculumRunner Runner(EmbeddedSilo host) => Runner(host.Grains);

    private CurriculumRunner Runner(IGrainFactory grains) => new(grains, Experiments, "cpu", "test") { ProgressInterval = TimeSpan.Zero };

    private static async Task<EmbeddedSilo> WithPoolAsync(Task<EmbeddedSilo> starting)
    {
        var host = await starting;
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 20, 6, seed: 5);
        await new PoolService(host.Grains).ImportAsync("rewrite", tasks, "test");
        return host;
    }

    [Fact]
    public async Task Experiment_RunsEveryRound_AndRecordsSelectionTrainingAndEvaluation()
    {
        await using var host = await WithPoolAsync(HostAsync());
        var service = new ExperimentService(host.Grains, Experiments);
        await service.CreateAsync(Config("pu"));
        var steps = new List<string>();
        var done = await Runner(host).RunAsync("pu", new SyncProgress<ExperimentProgress>(p => steps.Add($"{p.Round}/{p.Step}")));

        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Null(done.Runner);
        var run = Assert.Single(done.Runs);
        Assert.Equal(3, run.EvaluationTaskIds.Count);
        Assert.Equal([4, 7, 10], run.Rounds.OrderBy(r => r.Round).Select(r => r.TrainingTasks));
        var selected = run.Rounds.SelectMany(r => r.Selection.Selected.Select(s => s.TaskId)).ToList();
        Assert.Equal(selected.Count, selected.Distinct().Count());
        Assert.Empty(selected.Intersect(run.EvaluationTaskIds));
        // Every selected task records its kind and the rule that decided it: rewrite tasks carry no label flag.
        Assert.All(run.Rounds.SelectMany(r => r.Selection.Selected), s => Assert.Equal(("heuristic", false), (s.KindRule, s.Classification)));
        foreach (var round in run.Rounds)
        {
            var path = Path.Combine(Experiments, round.Training!.Checkpoint);
            Assert.True(File.Exists(path), path);
            Assert.Equal(round.TrainingTasks * 4, round.Training.Examples);
            Assert.InRange(round.Evaluation!.Value, 0, 100);
            Assert.Equal("exact_match", round.Evaluation.Metric);
            Assert.Equal(9, round.Evaluation.Instances);
            Assert.Equal(["String Rewriting"], round.Evaluation.ExactMatchByCategory.Keys);
        }
        // Round 1 scored the 13 remaining tasks with round 0's model and took the 3 most uncertain.
        var round1 = run.Rounds.Single(r => r.Round == 1).Selection;
        Assert.Equal(13, round1.Candidates);
        Assert.Equal(13, round1.ScoredNow);
        var scorer = new ActiveIT.Runs.Scoring.PoolScorer(host.Grains, new Engine.Backends.LocalEngineBackend(null!, CurriculumRunner.ModelId(Config("x").Model),
            run.Rounds.Single(r => r.Round == 0).Training!.ModelVersion), new Engine.Scoring.ScorerConfig(2, 2, 0.2, 0, 8));
        var cached = (await scorer.CachedAsync("rewrite")).Where(s => !selected.Take(4).Contains(s.TaskId) && !run.EvaluationTaskIds.Contains(s.TaskId)).ToList();
        Assert.Equal(13, cached.Count);
        Assert.Equal(cached.OrderByDescending(c => c.PromptUncertainty).ThenBy(c => c.TaskId, StringComparer.Ordinal).Take(3).Select(c => c.TaskId),
            round1.Selected.Select(s => s.TaskId));
        Assert.Contains("1/score", steps);
        Assert.Contains("2/evaluate", steps);
    }

    [Fact]
    public async Task InterruptedRun_ResumesToTheUninterruptedResult_SharingCachedScores()
    {
        Experiment reference;
        await using (var host = await WithPoolAsync(HostAsync()))
        {
            var service = new ExperimentService(host.Grains, Experiments);
            await service.CreateAsync(Config("whole"));
            reference = await Runner(host).RunAsync("whole");
            await service.CreateAsync(Config("interrupted"));
            using var stop = new CancellationTokenSource();
            // Stop inside round 2's training, after round 1 is recorded.
            var progress = new SyncProgress<ExperimentProgress>(p =>
            {
                if (p is { Round: 2, Step: "train", Done: 1 })
                {
                    stop.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(host).RunAsync("interrupted", progress, stop.Token));
            var paused = (await service.GetAsync("interrupted"))!;
            Assert.Equal(RunStatus.Paused, paused.Status);
            Assert.Null(paused.Runs.Single().Rounds.SingleOrDefault(r => r.Round == 2)?.Training);
        }
        await using var restarted = await HostAsync();
        var resumed = await Runner(restarted).RunAsync("interrupted");
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(2, resumed.Sessions.Count);
        var expected = reference.Runs.Single().Rounds.OrderBy(r => r.Round).ToList();
        var actual = resumed.Runs.Single().Rounds.OrderBy(r => r.Round).ToList();
        Assert.Equal(expected.Select(r => string.Join(",", r.Selection.Selected.Select(s => s.TaskId))), actual.Select(r => string.Join(",", r.Selection.Selected.Select(s => s.TaskId))));
        Assert.Equal(expected.Select(r => r.Training!.ModelVersion), actual.Select(r => r.Training!.ModelVersion));
        Assert.Equal(expected.Select(r => r.Evaluation!.Value), actual.Select(r => r.Evaluation!.Value));
        // Same seed, same base model: round 0's model is the same weights, so round 1 reads the first experiment's scores.
        var round1 = actual.Single(r => r.Round == 1).Selection;
        Assert.Equal((0, 13), (round1.ScoredNow, round1.ScoresFromCache));
    }

    [Fact]
    public async Task CancelFromAnotherClient_StopsTheRunner_AndStartResumes()
    {
        await using var host = await WithPoolAsync(HostAsync());
        using var other = await TestSilos.ClientAsync(host);  // another process, a client of the same silo
        var others = new ExperimentService(other.Grains(), Experiments);
        await new ExperimentService(host.Grains, Experiments).CreateAsync(Config("c", "random"));
        var cancelled = false;
        var progress = new SyncProgress<ExperimentProgress>(p =>
        {
            if (!cancelled && p is { Round: 1, Step: "train" })
            {
                cancelled = true;
                others.CancelAsync("c").GetAwaiter().GetResult();
            }
        });
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(host).RunAsync("c", progress));
        Assert.Contains("cancelled", error.Message);
        var state = (await others.GetAsync("c"))!;
        Assert.Equal(RunStatus.Cancelled, state.Status);
        Assert.Null(state.Runner);

        await others.StartAsync("c");
        var done = await Runner(other.Grains()).RunAsync("c");
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(3, done.Runs.Single().Rounds.Count(r => r.Evaluation is not null));
        await other.StopAsync();
    }

    [Fact]
    public async Task Niv2Pool_IsEvaluatedByRougeLAndExactMatch_OverallAndPerCategory()
    {
        await using var host = await HostAsync();
        var files = Directory.GetFiles(SharedData.Path("niv2", "tasks"), "*.json").Order(StringComparer.Ordinal).Take(10);
        await new PoolService(host.Grains).ImportAsync("niv2", [.. files.SelectMany(f => Import.TaskFileReader.Read(f))], "test");
        var config = Config("niv2", "random") with
        {
            Pool = "niv2", InitialTasks = 4, TasksPerRound = 2, Rounds = 1, InstancesPerTask = 2,
            Evaluation = new EvaluationSpec { Tasks = 3, InstancesPerTask = 2, MaxNewTokens = 8 },
        };
        await new ExperimentService(host.Grains, Experiments).CreateAsync(config);
        var done = await Runner(host).RunAsync("niv2");

        var run = done.Runs.Single();
        var evaluation = run.Rounds.Single(r => r.Round == 1).Evaluation!;
        Assert.Equal("rouge_l", evaluation.Metric);
        Assert.Equal(evaluation.RougeL, evaluation.Value);
        Assert.Equal(6, evaluation.Instances);
        var pool = new PoolService(host.Grains);
        var categories = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in run.EvaluationTaskIds)
        {
            categories.Add((await pool.GetTaskAsync("niv2", id))!.Categories[0]);
        }
        Assert.Equal(categories, evaluation.RougeLByCategory.Keys.ToHashSet());
        Assert.Equal(categories, evaluation.ExactMatchByCategory.Keys.ToHashSet());
        Assert.Equal(run.EvaluationTaskIds.Order(), evaluation.ByTask.Keys.Order());
        Assert.All(evaluation.RougeLByCategory.Values, v => Assert.InRange(v, 0, 100));
    }

    [Fact]
    public async Task HeldOutCategories_AreNeverTrainedOn_AndScoredApart_FromAPerSeedBase()
    {
        await using var host = await HostAsync();
        var families = new[] { "copy", "reverse", "filter", "contains", "starts" };
        var tasks = ActiveIT.Core.Families.FamilyTaskSource.Tasks(new ActiveIT.Core.Families.FamilyPoolOptions(Tasks: 40, InstancesPerTask: 6, Families: families), seed: 3);
        await new PoolService(host.Grains).ImportAsync("families", tasks, "test");
        var spec = new PretrainSpec(families, 8, 4, 8, Layers: 1, Heads: 2, DModel: 32, Context: 192, DocumentChars: 64, Steps: 3, BatchSize: 4,
            LearningRate: 1e-3, WarmupSteps: 1);
        var bases = Path.Combine(_dir, "bases");
        var first = BasePretraining.Ensure(spec, 1, bases, "cpu", "test");
        Assert.False(first.Cached);
        Assert.True(BasePretraining.Ensure(spec, 1, bases, "cpu", "test").Cached);  // the same spec and seed: the cached file
        Assert.NotEqual(first.Path, BasePretraining.Ensure(spec, 2, bases, "cpu", "test").Path);
        Assert.NotEqual(spec.Key, (spec with { Steps = 4 }).Key);

        var config = Config("held-out", "random") with
        {
            Pool = "families", InitialTasks = 4, TasksPerRound = 3, Rounds = 1, InstancesPerTask = 3, Seeds = [1, 2],
            Evaluation = new EvaluationSpec { Tasks = 4, InstancesPerTask = 2, MaxNewTokens = 8, HeldOutCategories = ["reverse", "starts"], HeldOutCategoryTasks = 3 },
            Model = Config("x").Model with { BaseCheckpoint = BasePretraining.PathPattern(bases, spec) },
        };
        var service = new ExperimentService(host.Grains, Experiments);
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => service.CreateAsync(config with
        {
            Name = "bad", Evaluation = config.Evaluation with { HeldOutCategories = ["sort"] },
        }));
        Assert.Contains("evaluation.held_out_categories: pool 'families' has no task of category 'sort'", missing.Message);
        await service.CreateAsync(config);
        var done = await Runner(host).RunAsync("held-out");

        var family = tasks.ToDictionary(t => t.Id, t => t.Categories[0]);
        foreach (var run in done.Runs)
        {
            Assert.Equal(3, run.UnseenCategoryTaskIds!.Count);
            Assert.All(run.UnseenCategoryTaskIds, id => Assert.Contains(family[id], new[] { "reverse", "starts" }));
            Assert.All(run.EvaluationTaskIds, id => Assert.DoesNotContain(family[id], new[] { "reverse", "starts" }));
            Assert.All(run.Rounds.SelectMany(r => r.Selection.Selected), s => Assert.DoesNotContain(family[s.TaskId], new[] { "reverse", "starts" }));
            foreach (var round in run.Rounds)
            {
                var evaluation = round.Evaluation!;
                Assert.Equal(4 * 2, evaluation.Instances);  // the headline covers the unseen tasks of seen families only
                Assert.Equal(3, evaluation.UnseenCategories!.Tasks);
                Assert.Equal(3 * 2, evaluation.UnseenCategories.Instances);
                Assert.Equal(evaluation.UnseenCategories.RougeL, evaluation.UnseenCategories.Value);
                Assert.True(evaluation.ByTask.Keys.ToHashSet().SetEquals(run.EvaluationTaskIds.Concat(run.UnseenCategoryTaskIds)));
            }
        }
        // "{seed}" names one base per seed: a seed without its base is refused, naming that seed's file.
        var noBase = await Assert.ThrowsAsync<ArgumentException>(() => service.CreateAsync(config with { Name = "seed-3", Seeds = [1, 3] }));
        Assert.Contains($"model.base_checkpoint: '{BasePretraining.PathFor(bases, spec, 3)}' is neither a checkpoint file nor a Hugging Face folder", noBase.Message);
    }

    [Fact]
    public async Task Create_RefusesBadConfigs_NamingTheField()
    {
        await using var host = await WithPoolAsync(HostAsync());
        var service = new ExperimentService(host.Grains, Experiments);
        async Task<string> Error(ExperimentConfig config) => (await Assert.ThrowsAsync<ArgumentException>(() => service.CreateAsync(config))).Message;

        Assert.Contains("strategy: 'most-fun' is not one of random, prompt-uncertainty", await Error(Config("a", "most-fun")));
        Assert.Contains("rounds: 4 initial + 9 rounds × 3 tasks = 31 tasks, but pool 'rewrite' has 17 candidates", await Error(Config("a") with { Rounds = 9 }));
        Assert.Contains("evaluation.task_ids: pool 'rewrite' has no task 'nope'", await Error(Config("a") with { Evaluation = new EvaluationSpec { TaskIds = ["nope"] } }));
        Assert.Contains("pool: 'missing' has no tasks", await Error(Config("a") with { Pool = "missing" }));
        Assert.Contains("model.d_model", await Error(Config("a") with { Model = new ModelSpec { Heads = 3, DModel = 32 } }));
        Assert.Contains("training.schedule: 'wavy'", await Error(Config("a") with { Training = new TrainingSpec { Schedule = "wavy" } }));
        Assert.Contains("name:", await Error(Config("../etc")));
        Assert.Empty(await service.ListAsync());

        var first = await service.CreateAsync(Config("a"));
        // The same create sent again (its answer lost with a silo) completes it; another config under the name conflicts.
        Assert.Equal(first.CreatedAt, (await service.CreateAsync(Config("a"))).CreatedAt);
        await Assert.ThrowsAsync<RunStateException>(() => service.CreateAsync(Config("a") with { Rounds = 1 }));
        await Assert.ThrowsAsync<RunStateException>(() => service.CreateAsync(Config("a"), owner: "someone-else"));
        Assert.Single(await service.ListAsync());
    }

    [Fact]
    public async Task Watch_ReceivesChangesPushedByTheGrain_NotByPolling()
    {
        await using var host = await WithPoolAsync(HostAsync());
        var service = new ExperimentService(host.Grains, Experiments);
        await service.CreateAsync(Config("w", "random"));
        await service.StartAsync("w");
        var seen = new List<RunStatus>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // An hour between reads: whatever arrives sooner was pushed by the curriculum grain's observer.
        await foreach (var experiment in service.WatchAsync("w", TimeSpan.FromHours(1), stop.Token))
        {
            seen.Add(experiment.Status);
            if (seen.Count == 1)
            {
                await service.CancelAsync("w");
            }
            else
            {
                break;
            }
        }
        Assert.Equal([RunStatus.Queued, RunStatus.Cancelled], seen);
    }

    [Fact]
    public async Task CancelledWhileQueued_LeavesTheQueue_AndAWorkerWouldNotRunIt()
    {
        await using var host = await WithPoolAsync(HostAsync());
        var service = new ExperimentService(host.Grains, Experiments);
        await service.CreateAsync(Config("q", "random"));
        await service.StartAsync("q");
        var queue = host.Grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key);
        await queue.EnqueueAsync("curriculum/q");
        await service.CancelAsync("q");
        Assert.DoesNotContain("curriculum/q", (await queue.GetAsync()).Queued);
        // A worker that claimed it just before the cancel is refused by the curriculum grain.
        var error = await Assert.ThrowsAsync<RunStateException>(() => new CurriculumRunner(host.Grains, Experiments, "cpu", "test") { FromQueue = true }.RunAsync("q"));
        Assert.Contains("cancelled, not queued", error.Message);
    }

    [Fact]
    public async Task Delete_RemovesRecordAndCheckpoints()
    {
        await using var host = await WithPoolAsync(HostAsync());
        var service = new ExperimentService(host.Grains, Experiments);
        await service.CreateAsync(Config("d", "random") with { Rounds = 0 });
        await Runner(host).RunAsync("d");
        Assert.True(Directory.Exists(Path.Combine(Experiments, "d")));
        Assert.True(await service.DeleteAsync("d"));
        Assert.Null(await service.GetAsync("d"));
        Assert.False(Directory.Exists(Path.Combine(Experiments, "d")));
        Assert.Empty(await service.ListAsync());
        Assert.False(await service.DeleteAsync("d"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

public sealed class RunnerLeaseTests
{
    [Fact]
    public void Lease_IsStaleOnlyWhenItsRunnerIsGone()
    {
        var now = DateTimeOffset.UtcNow;
        var mine = RunnerLease.ForThisProcess(now.AddHours(-1));
        Assert.False(mine.IsStale(now));  // alive on this machine: an old heartbeat is a slow step, not a dead runner
        Assert.True((mine with { ProcessStarted = mine.ProcessStarted.AddMinutes(-5) }).IsStale(now));  // the id was reused

        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        Assert.True((mine with { ProcessId = exited.Id }).IsStale(now));

        var remote = mine with { Machine = "elsewhere", Heartbeat = now.AddSeconds(-30) };
        Assert.False(remote.IsStale(now));
        Assert.True(remote.IsStale(now + RunnerLease.Timeout));
    }
}
