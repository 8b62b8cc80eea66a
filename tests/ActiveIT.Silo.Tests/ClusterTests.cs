using Xunit.Abstractions;
using ActiveIT.Grains.Runs;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// A cluster, not one process: silo processes on 127.0.0.1 joined through ADO.NET clustering on a real PostgreSQL,
/// each with its own Orleans ports, data directory and HTTP endpoint; some are killed with SIGKILL.
/// </summary>
[Collection(nameof(PostgresCollection))]
public sealed class ClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-cluster-").FullName;

    private async Task<SiloProcess[]> StartClusterAsync(int silos, params string[] extra)
    {
        var connection = _connection = await postgres.CreateDatabaseAsync();
        var cluster = TestCluster.NewClusterId();
        var started = new List<SiloProcess>();
        for (var i = 0; i < silos; i++)  // one at a time: the first creates the schema, the rest join
        {
            started.Add(await SiloProcess.StartAsync(TestCluster.SiloArgs(connection, cluster, _dir, i, extra)));
        }
        return [.. started];
    }

    private static IReadOnlyList<InstructionTask> Tasks(int count, ulong seed) =>
        RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), count, 2, seed);

    private static async Task<JsonElement> StatsAsync(SiloProcess silo, string pool) => await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<JsonElement>($"v1/pools/{pool}/stats"));

    [Fact]
    public async Task ThreeSilos_APoolImportedThroughOne_IsReadThroughTheOthers_AndConcurrentImportsLoseNothing()
    {
        var silos = await StartClusterAsync(3);
        try
        {
            var tasks = Tasks(60, 1);
            (await silos[0].Client.PostAsJsonAsync("v1/pools/one/tasks", tasks, Json.Options)).EnsureSuccessStatusCode();
            foreach (var silo in silos)
            {
                var stats = await StatsAsync(silo, "one");
                Assert.Equal((60, 60), (stats.GetProperty("tasks").GetInt32(), stats.GetProperty("version").GetInt64()));
                using var task = await silo.Client.GetAsync($"v1/pools/one/tasks/{tasks[7].Id}");
                Assert.Equal(tasks[7].ContentHash(), (await task.Content.ReadFromJsonAsync<InstructionTask>(Json.Options))!.ContentHash());
            }

            // Three clients, each attached to another silo, import overlapping ranges in small batches at once.
            var all = Tasks(200, 2);
            async Task ImportAsync(SiloProcess silo, IEnumerable<InstructionTask> range, string who)
            {
                foreach (var chunk in range.Chunk(9))
                {
                    using var response = await silo.Client.PostAsJsonAsync($"v1/pools/shared/tasks?origin={who}", chunk, Json.Options);
                    Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                }
            }
            await Task.WhenAll(ImportAsync(silos[0], all.Take(100), "a"), ImportAsync(silos[1], all.Skip(50).Take(100), "b"), ImportAsync(silos[2], all.Skip(100), "c"));
            var members = await silos[2].Client.GetFromJsonAsync<JsonElement>("v1/pools/shared/tasks?limit=1000");
            Assert.Equal(all.Select(t => t.Id).Order(StringComparer.Ordinal), members.EnumerateArray().Select(m => m.GetProperty("task_id").GetString()));
            Assert.Equal(all.Select(t => t.ContentHash()).Order(StringComparer.Ordinal),
                members.EnumerateArray().Select(m => m.GetProperty("content_hash").GetString()).Order(StringComparer.Ordinal));
            // Each task was added once: overlapping batches found it unchanged rather than adding it again.
            Assert.Equal(200, (await StatsAsync(silos[1], "shared")).GetProperty("version").GetInt64());
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task SiloKilledMidImport_ImportIsAllOrNothing_AndSurvivorsServeThePool()
    {
        var silos = await StartClusterAsync(3);
        try
        {
            (await silos[1].Client.PostAsJsonAsync("v1/pools/p/tasks", Tasks(20, 3), Json.Options)).EnsureSuccessStatusCode();
            var big = Tasks(2000, 4);
            using var import = silos[0].Client.PostAsJsonAsync("v1/pools/p/tasks?origin=doomed", big, Json.Options);
            // Kill the importing silo once it has stored some of the new tasks (rows appear in the grain storage table).
            await WaitForStoredRowsAsync(minimum: 20 + 200);
            silos[0].Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => import);

            var stats = await StatsAsync(silos[1], "p");
            var (count, version) = (stats.GetProperty("tasks").GetInt32(), stats.GetProperty("version").GetInt64());
            Assert.True((count, version) is (20, 20) or (2020, 2020), $"a partial import is visible: {count} tasks, version {version}");
            using var retry = await TestCluster.RetryAsync(() => silos[2].Client.PostAsJsonAsync("v1/pools/p/tasks?origin=retry", big, Json.Options));
            Assert.True(retry.IsSuccessStatusCode, await retry.Content.ReadAsStringAsync());
            Assert.Equal(2020, (await StatsAsync(silos[1], "p")).GetProperty("tasks").GetInt32());
        }
        finally
        {
            await DisposeAllAsync(silos);
        }

        async Task WaitForStoredRowsAsync(int minimum)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (await CountRowsAsync() < minimum)
            {
                Assert.True(DateTime.UtcNow < deadline, "the import never started storing tasks");
                await Task.Delay(10);
            }
        }
    }

    [Fact]
    public async Task ASiloDyingAfterAWriteCommitsButBeforeItReplies_TheRetryWithItsKeyGetsTheFirstOutcome()
    {
        var connection = _connection = await postgres.CreateDatabaseAsync();
        var cluster = TestCluster.NewClusterId();
        var doomed = await SiloProcess.StartAsync(TestCluster.SiloArgs(connection, cluster, _dir, 0, "--ActiveIT:DieAfterWriteTo=keyed"));
        var survivor = await SiloProcess.StartAsync(TestCluster.SiloArgs(connection, cluster, _dir, 1));
        try
        {
            var seed = Tasks(12, 11).ToArray();
            (await survivor.Client.PostAsJsonAsync("v1/pools/keyed/tasks", seed[..10], Json.Options)).EnsureSuccessStatusCode();
            HttpRequestMessage Write() => new(HttpMethod.Post, "v1/pools/keyed/tasks?origin=keyed")
            {
                Content = JsonContent.Create(seed[10..].Append(seed[0] with { Definition = "edited" }).ToArray(), options: Json.Options),
                Headers = { { "Idempotency-Key", "one-logical-write" }, { "If-Match", "\"10\"" } },
            };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => doomed.Client.SendAsync(Write()));  // no reply: the process is gone
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!doomed.HasExited)
            {
                Assert.True(DateTime.UtcNow < deadline, "the silo did not die after the write");
                await Task.Delay(20);
            }

            // The retry (If-Match and all) learns the first outcome instead of a 412 against its own version bump.
            using var retry = await TestCluster.RetryAsync(() => survivor.Client.SendAsync(Write()));
            var summary = await retry.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(retry.IsSuccessStatusCode, summary.ToString());
            Assert.Equal((2, 1, 13L, 12), (summary.GetProperty("added").GetInt32(), summary.GetProperty("updated").GetInt32(),
                summary.GetProperty("pool_version").GetInt64(), summary.GetProperty("pool_tasks").GetInt32()));
            var history = await survivor.Client.GetFromJsonAsync<JsonElement>("v1/pools/keyed/history");
            Assert.Equal([10L, 13L], history.EnumerateArray().Select(v => v.GetProperty("version").GetInt64()));  // applied once
            using var unkeyed = await survivor.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/pools/keyed/tasks")
            {
                Content = JsonContent.Create(seed[10..], options: Json.Options), Headers = { { "If-Match", "\"10\"" } },
            });
            Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, unkeyed.StatusCode);
        }
        finally
        {
            await DisposeAllAsync([doomed, survivor]);
        }
    }

    [Fact]
    public async Task TwoSilosRacingOneIfMatch_OneWins_AnExportDuringImportsReadsOneVersion_AndOneCutByAFailover_IsVisibleToHttp10And11Clients()
    {
        var silos = await StartClusterAsync(3);
        try
        {
            // 240 tasks of ~50 KB: 12 MB, more than the sockets buffer, so the export is mid-stream when its silo dies.
            var tasks = Tasks(240, 13).Select(t => t with { Definition = t.Definition + new string('.', 50_000) }).ToArray();
            (await TestCluster.RetryAsync(() => silos[0].Client.PostAsJsonAsync("v1/pools/big/tasks", tasks, Json.Options))).EnsureSuccessStatusCode();

            // Two clients on two silos change one task from the same version at once: one wins, the other gets 412.
            // Each keyed, so a retry after a 503 gets its own first outcome rather than a 412 against its own write.
            var replies = await Task.WhenAll(new[] { silos[0], silos[1] }.Select((silo, i) => TestCluster.RetryAsync(() => silo.Client.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "v1/pools/big/tasks")
                {
                    Content = JsonContent.Create(new[] { tasks[5] with { Definition = $"edit {i}" } }, options: Json.Options),
                    Headers = { { "If-Match", "\"240\"" }, { "Idempotency-Key", $"writer-{i}" } },
                }))));
            Assert.Equal([System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.PreconditionFailed], replies.Select(r => r.StatusCode).Order());
            var winner = Array.FindIndex(replies, r => r.IsSuccessStatusCode);
            Assert.Equal($"edit {winner}", (await silos[2].Client.GetFromJsonAsync<InstructionTask>($"v1/pools/big/tasks/{tasks[5].Id}", Json.Options))!.Definition);

            // An export of a 1,100-task pool through one silo while another imports into it: exactly the version it opened at.
            var wide = Tasks(1130, 14).ToArray();
            // (A busy 2-core machine can time a grain call out: 503, retried as a client would; an import is all or nothing.)
            (await TestCluster.RetryAsync(() => silos[1].Client.PostAsJsonAsync("v1/pools/wide/tasks", wide[..1100], Json.Options))).EnsureSuccessStatusCode();
            var importing = Task.Run(async () =>
            {
                foreach (var chunk in wide[1100..].Chunk(3))
                {
                    (await TestCluster.RetryAsync(() => silos[2].Client.PostAsJsonAsync("v1/pools/wide/tasks", chunk, Json.Options))).EnsureSuccessStatusCode();
                }
            });
            var exported = (await silos[1].Client.GetStringAsync("v1/pools/wide/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await importing;
            Assert.Equal("{\"end\":{\"pool\":\"wide\",\"version\":1100,\"tasks\":1100}}", exported[^1]);
            Assert.Equal(wide[..1100].Select(t => t.Id).Order(StringComparer.Ordinal),
                exported[..^1].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));  // no task twice, none skipped, none newer
            Assert.Equal(1130, (await StatsAsync(silos[0], "wide")).GetProperty("tasks").GetInt32());

            using var http11 = await silos[0].Client.GetAsync("v1/pools/big/export", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(("240", "\"241\""), (http11.Headers.GetValues("X-Pool-Tasks").Single(), http11.Headers.ETag!.Tag));
            using var reader11 = new StreamReader(await http11.Content.ReadAsStreamAsync());
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync("127.0.0.1", silos[0].Client.BaseAddress!.Port);
            var stream10 = tcp.GetStream();
            await stream10.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"GET /v1/pools/big/export HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {SiloServer.Key}\r\n\r\n"));
            using var reader10 = new StreamReader(stream10);
            var lines11 = new List<string>();
            var lines10 = new List<string>();
            static async Task<bool> ReadAsync(StreamReader reader, List<string> lines)
            {
                try
                {
                    if (await reader.ReadLineAsync() is not { } line)
                    {
                        return false;
                    }
                    lines.Add(line);
                    return true;
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    return false;  // the connection broke: a cut the client sees
                }
            }
            while (await ReadAsync(reader10, lines10) && lines10[^1].Length > 0)
            {
                // the status line and headers
            }
            Assert.StartsWith("HTTP/1.1 200", lines10[0]);  // Kestrel answers a 1.0 request in its own version, and closes the connection at the end
            Assert.Contains("X-Pool-Tasks: 240", lines10);
            lines10.Clear();
            for (var i = 0; i < 10; i++)
            {
                await ReadAsync(reader11, lines11);
                await ReadAsync(reader10, lines10);
            }
            // The silo streaming both exports dies (so do the task grains it held).
            silos[0].Kill();
            while (await ReadAsync(reader11, lines11))
            {
            }
            while (await ReadAsync(reader10, lines10))
            {
            }
            foreach (var (name, lines) in new[] { ("HTTP/1.1", lines11), ("HTTP/1.0", lines10) })
            {
                // Each client sees the cut: whole task lines, fewer than promised, no end record, no line twice.
                Assert.True(lines.Count is >= 10 and < 240, $"{name}: {lines.Count} lines");
                Assert.DoesNotContain(lines, l => l.StartsWith("{\"end\":", StringComparison.Ordinal));
                Assert.Equal(lines.Count, lines.Distinct().Count());
            }
            // The survivor's export is whole once membership has settled.
            using var whole = await TestCluster.RetryAsync(() => silos[1].Client.GetAsync("v1/pools/big/export"));
            var body = (await whole.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((241, "{\"end\":{\"pool\":\"big\",\"version\":241,\"tasks\":240}}"), (body.Length, body[^1]));
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    private static ExperimentConfig Experiment(string name) => new()
    {
        Name = name, Pool = "rewrite", Strategy = "prompt-uncertainty", InitialTasks = 4, TasksPerRound = 3, Rounds = 2, InstancesPerTask = 6,
        Evaluation = new EvaluationSpec { Tasks = 3, InstancesPerTask = 3, MaxNewTokens = 8 },
        Model = new ModelSpec { Layers = 1, Heads = 2, DModel = 32, Context = 192 },
        Training = new TrainingSpec { Epochs = 6, BatchSize = 4, WarmupSteps = 1 },
        Scoring = new ScoringSpec { Instances = 2, Perturbations = 2, MaxNewTokens = 8 },
    };

    private static async Task StartExperimentAsync(SiloProcess silo, ExperimentConfig config)
    {
        using var created = await silo.Client.PostAsJsonAsync("v1/runs/curriculum", config, Json.Options);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        (await silo.Client.PostAsync($"v1/runs/curriculum/{config.Name}/start", null)).EnsureSuccessStatusCode();
    }

    private static async Task<Experiment> WaitForAsync(SiloProcess silo, string name, Func<Experiment, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var experiment = (await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<Experiment>($"v1/runs/curriculum/{name}", Json.Options)))!;
            if (done(experiment))
            {
                return experiment;
            }
            Assert.True(experiment.Status is not RunStatus.Failed, experiment.Error);
            Assert.True(DateTime.UtcNow < deadline, $"experiment {name} stuck: {experiment.Status}, {experiment.Progress}");
            await Task.Delay(20);
        }
    }

    /// <summary>The silo process a lease names ("127.0.0.1:PORT@GENERATION").</summary>
    private static SiloProcess Holder(SiloProcess[] silos, RunnerLease? lease) =>
        silos.Single(s => lease?.Silo?.StartsWith($"127.0.0.1:{s.SiloPort}@", StringComparison.Ordinal) == true);

    private static string[] Summary(Experiment e) => [.. e.Runs.Single().Rounds.OrderBy(r => r.Round)
        .Select(r => $"{string.Join(",", r.Selection.Selected.Select(s => s.TaskId))} {r.Training!.ModelVersion} {r.Evaluation!.Value}")];

    [Fact]
    public async Task TwoSilos_TwoExperiments_RunAtTheSameTime_OnDifferentSilos()
    {
        var silos = await StartClusterAsync(2, "--ActiveIT:EngineThreads=1", "--ActiveIT:MaxConcurrentExperiments=1");
        try
        {
            (await silos[0].Client.PostAsJsonAsync("v1/pools/rewrite/tasks", Tasks(20, 5), Json.Options)).EnsureSuccessStatusCode();
            await StartExperimentAsync(silos[0], Experiment("one"));
            await StartExperimentAsync(silos[0], Experiment("two"));
            // Both running at one moment, each leased to another silo: the one slot of each silo is in use.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var one = (await silos[1].Client.GetFromJsonAsync<Experiment>("v1/runs/curriculum/one", Json.Options))!;
                var two = (await silos[1].Client.GetFromJsonAsync<Experiment>("v1/runs/curriculum/two", Json.Options))!;
                if (one.Status == RunStatus.Running && two.Status == RunStatus.Running && one.Runner?.Silo is { } a && two.Runner?.Silo is { } b)
                {
                    Assert.NotEqual(a, b);
                    Assert.NotSame(Holder(silos, one.Runner), Holder(silos, two.Runner));
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"not both running: {one.Status} on {one.Runner?.Silo}, {two.Status} on {two.Runner?.Silo}");
                await Task.Delay(20);
            }
            var doneOne = await WaitForAsync(silos[1], "one", e => e.Status == RunStatus.Completed);
            var doneTwo = await WaitForAsync(silos[1], "two", e => e.Status == RunStatus.Completed);
            Assert.Equal(Summary(doneOne), Summary(doneTwo));  // same config and seed on different silos: the same result
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task SiloKilledMidExperiment_WhileItsPoolChanges_TheExperimentFinishesOnASurvivor_AsAnUninterruptedRunOnThePinnedVersion()
    {
        var silos = await StartClusterAsync(2, "--ActiveIT:EngineThreads=1", "--ActiveIT:MaxConcurrentExperiments=1");
        try
        {
            (await silos[0].Client.PostAsJsonAsync("v1/pools/rewrite/tasks", Tasks(20, 5), Json.Options)).EnsureSuccessStatusCode();
            // Longer training than the other tests, so the kill lands inside a round whatever the machine's load.
            ExperimentConfig Config(string name) => Experiment(name) with { Training = Experiment(name).Training with { Epochs = 12 } };
            await StartExperimentAsync(silos[0], Config("killed"));
            // Kill its silo as soon as round 1 has begun: its selection is recorded, the last round is not evaluated.
            var running = await WaitForAsync(silos[0], "killed", e => e.Runs.SingleOrDefault()?.Rounds.Any(r => r.Round >= 1) == true);
            // The pool changes under the run: new tasks, and one of its tasks updated. The run reads the version it pinned.
            var pin = running.Config.Pins.Single();
            var changes = Tasks(26, 5).Skip(20).Append(Tasks(20, 5)[3] with { Definition = "changed while a run reads the pool" });
            (await silos[0].Client.PostAsJsonAsync("v1/pools/rewrite/tasks?origin=meanwhile", changes, Json.Options)).EnsureSuccessStatusCode();
            var survivor = KillHolder(silos, running.Runner);
            Assert.NotEqual(RunStatus.Completed, running.Status);
            Assert.Null(running.Runs.Single().Rounds.SingleOrDefault(r => r.Round == 2)?.Evaluation);

            var resumed = await WaitForAsync(survivor, "killed", e => e.Status == RunStatus.Completed);
            Assert.Equal(2, resumed.Sessions.Count);
            Assert.NotEqual(running.Runner!.Id, resumed.Sessions[^1].Runner);  // a runner in the surviving process finished it

            await StartExperimentAsync(survivor, Config("whole") with { Pins = [new PoolPin("rewrite", pin.Version)] });
            var whole = await WaitForAsync(survivor, "whole", e => e.Status == RunStatus.Completed);
            Assert.Equal(pin, whole.Config.Pins.Single());  // the same version, the same member digest
            Assert.Equal(Summary(whole), Summary(resumed));
            Assert.Equal(pin, resumed.Config.Pins.Single());
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task SiloKilledMidTransfer_TheTransferFinishesOnASurvivor_WithTheSameResult()
    {
        var silos = await StartServingClusterAsync();
        try
        {
            var tasks = Tasks(8, 7);
            (await silos[0].Client.PostAsJsonAsync("v1/pools/src/tasks", tasks, Json.Options)).EnsureSuccessStatusCode();
            object Request(string outPool) => new { pool = "src", out_pool = outPool, model = "tiny", candidates = 4, max_tokens = 48, denoise = false };
            (await silos[0].Client.PostAsJsonAsync("v1/runs/transfer", Request("killed"))).EnsureSuccessStatusCode();
            (await silos[0].Client.PostAsync("v1/runs/transfer/killed/start", null)).EnsureSuccessStatusCode();

            // Kill the silo running it once some tasks are done and others are not.
            var running = await WaitForTransferAsync(silos[0], "killed", r => r.Status == RunStatus.Running && r.Outcomes.Count >= 1);
            Assert.True(running.Outcomes.Count < tasks.Count, "the transfer finished before the kill; make it longer");
            var survivor = KillHolder(silos, running.Runner);

            var resumed = await WaitForTransferAsync(survivor, "killed", r => r.Status == RunStatus.Completed);
            Assert.Equal(2, resumed.Sessions.Count);
            Assert.NotEqual(running.Runner!.Id, resumed.Sessions[^1].Runner);
            Assert.Equal(tasks.Count, resumed.Outcomes.Count);
            // Stored candidates are never asked for again; only the request in flight at the kill may be.
            Assert.InRange(resumed.Requests, tasks.Count * 4, tasks.Count * 4 + 1);

            // The same transfer, uninterrupted, into another pool: every candidate is stored already, and the choices agree.
            (await survivor.Client.PostAsJsonAsync("v1/runs/transfer", Request("whole"))).EnsureSuccessStatusCode();
            (await survivor.Client.PostAsync("v1/runs/transfer/whole/start", null)).EnsureSuccessStatusCode();
            var whole = await WaitForTransferAsync(survivor, "whole", r => r.Status == RunStatus.Completed);
            Assert.Equal(0, whole.Requests);
            static string[] Choices(Grains.Transfer.TransferRunState r) =>
                [.. r.Outcomes.Values.OrderBy(o => o.TaskId, StringComparer.Ordinal).Select(o => $"{o.TaskId} {o.Status} {o.Chosen}")];
            Assert.Equal(Choices(resumed), Choices(whole));
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task SiloKilledMidScoring_TheScoringRunFinishesOnASurvivor_ScoringOnlyWhatWasMissing()
    {
        var silos = await StartServingClusterAsync();
        try
        {
            // Four engine calls of 16 tasks: the run is mid-way for three of them, time enough to see it there on a loaded
            // machine (with two calls, a fresh-clone run once polled past the one window and saw it completed).
            var tasks = Tasks(64, 11);
            (await silos[0].Client.PostAsJsonAsync("v1/pools/src/tasks", tasks, Json.Options)).EnsureSuccessStatusCode();
            var request = new { pool = "src", model = "tiny", instances = 4, perturbations = 4, max_new_tokens = 24, name = "killed" };
            (await silos[0].Client.PostAsJsonAsync("v1/runs/scoring", request)).EnsureSuccessStatusCode();
            (await silos[0].Client.PostAsync("v1/runs/scoring/killed/start", null)).EnsureSuccessStatusCode();

            var running = await WaitForRunAsync(silos[0], "scoring/killed", r => r.Status == RunStatus.Running && r.Progress is { Done: > 0 } p && p.Done < p.Total);
            var survivor = KillHolder(silos, running.Runner);

            var resumed = await WaitForRunAsync(survivor, "scoring/killed", r => r.Status == RunStatus.Completed);
            Assert.Equal(2, resumed.Sessions.Count);
            Assert.NotEqual(running.Runner!.Id, resumed.Sessions[^1].Runner);
            var result = resumed.Result!.Value;
            // The survivor found the scores stored before the kill and scored only the rest: every task has its score.
            Assert.Equal(tasks.Count, result.GetProperty("tasks").GetInt32());
            Assert.True(result.GetProperty("cached").GetInt32() >= running.Progress!.Done - 16, result.ToString());  // at most one engine call's tasks were lost
            Assert.True(result.GetProperty("scored").GetInt32() < tasks.Count, result.ToString());
            var scores = await TestCluster.RetryAsync(() => survivor.Client.GetFromJsonAsync<JsonElement>(
                "v1/pools/src/scores?model=tiny&instances=4&perturbations=4&maxNewTokens=24"));
            Assert.Equal(tasks.Count, scores.GetProperty("results").GetArrayLength());
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task SiloKilledMidPretraining_APretrainingRunFinishesOnASurvivor_WithTheWeightsOfAnUninterruptedOne()
    {
        var silos = await StartServingClusterAsync();
        var models = Path.Combine(_dir, "models");
        try
        {
            // Seconds a seed on one engine thread, so the kill lands inside the first seed's training.
            var spec = new Grains.Pretraining.PretrainSpec(["copy", "reverse"], 6, 2, 6, 1, 2, 64, 128, 96, Steps: 200, BatchSize: 16, LearningRate: 3e-3, WarmupSteps: 5);
            var request = new Grains.Pretraining.PretrainRequest(spec, [3, 4], "killed");
            (await silos[0].Client.PostAsJsonAsync("v1/runs/pretrain", request, Json.Options)).EnsureSuccessStatusCode();
            (await silos[0].Client.PostAsync("v1/runs/pretrain/killed/start", null)).EnsureSuccessStatusCode();

            // Kill its silo inside the first seed's training.
            var running = await WaitForRunAsync(silos[0], "pretrain/killed", r => r.Status == RunStatus.Running && (r.Progress?.Done ?? 0) < spec.Steps / 2);
            var survivor = KillHolder(silos, running.Runner);

            var resumed = await WaitForRunAsync(survivor, "pretrain/killed", r => r.Status == RunStatus.Completed);
            Assert.Equal(2, resumed.Sessions.Count);
            var bases = resumed.Result!.Value.Deserialize<List<Grains.Pretraining.PretrainedBase>>(Json.Options)!;
            Assert.Equal([3UL, 4UL], bases.Select(b => b.Seed));
            Assert.All(bases, b => Assert.True(File.Exists(Path.Combine(models, b.File)), b.File));
            Assert.DoesNotContain(Directory.GetFiles(models), f => f.EndsWith(".tmp", StringComparison.Ordinal));  // nothing half-written is left

            // The same seed pretrained here, uninterrupted: the survivor's restart of the killed seed ended with the same weights
            // (to float32 rounding: this process's engine may use other thread counts than the silos' one thread).
            var local = ActiveIT.Runs.Pretraining.BasePretraining.Ensure(spec, 3, Path.Combine(_dir, "local"), "cpu", "test");
            using var mine = Engine.GptModel.Load(local.Path);
            using var theirs = Engine.GptModel.Load(Path.Combine(models, bases[0].File));
            Assert.Equal(local.FinalLoss, bases[0].FinalLoss, 1e-4f);
            // Saved again without the timing metadata: the same header (names, shapes, F32), and weights equal to rounding.
            mine.Save(Path.Combine(_dir, "mine.safetensors"));
            theirs.Save(Path.Combine(_dir, "theirs.safetensors"));
            var (a, b) = (File.ReadAllBytes(Path.Combine(_dir, "mine.safetensors")), File.ReadAllBytes(Path.Combine(_dir, "theirs.safetensors")));
            var header = 8 + (int)BitConverter.ToInt64(a, 0);
            Assert.Equal(a.AsSpan(0, header).ToArray(), b.AsSpan(0, header).ToArray());
            var (wa, wb) = (System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(a.AsSpan(header)).ToArray(),
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(b.AsSpan(header)).ToArray());
            Assert.Equal(wa.Length, wb.Length);
            Assert.All(wa.Zip(wb), w => Assert.True(Math.Abs(w.First - w.Second) <= 1e-4f + 1e-3f * Math.Abs(w.First), $"{w.First} vs {w.Second}"));
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task SiloKilledMidDiversity_TheRunFinishesOnASurvivor_KeepingTheModelsStoredBeforeTheKill_WithTheResultOfAnUninterruptedRun()
    {
        var silos = await StartClusterAsync(2, "--ActiveIT:EngineThreads=1");
        try
        {
            // Four models of a second or two each on one engine thread, so the kill lands after the first and before the last.
            object Request(string name) => new
            {
                name, config = new { instruction_counts = new[] { 2, 4, 8, 16 }, example_budget = 1024, epochs = 2, batch_size = 16, test_rules = 8, test_examples = 20,
                    model = new { layers = 1, heads = 2, d_model = 32 } },
            };
            (await silos[0].Client.PostAsJsonAsync("v1/runs/diversity", Request("killed"))).EnsureSuccessStatusCode();
            (await silos[0].Client.PostAsync("v1/runs/diversity/killed/start", null)).EnsureSuccessStatusCode();

            var running = await WaitForRunAsync(silos[0], "diversity/killed", r => r.Status == RunStatus.Running && r.Steps is { Count: >= 1 });
            Assert.True(running.Steps!.Count < 4, "the run stored every model before the kill; make them longer");
            var survivor = KillHolder(silos, running.Runner);

            var resumed = await WaitForRunAsync(survivor, "diversity/killed", r => r.Status == RunStatus.Completed);
            Assert.Equal(2, resumed.Sessions.Count);
            Assert.NotEqual(running.Runner!.Id, resumed.Sessions[^1].Runner);
            Assert.Equal(4, resumed.Steps!.Count);
            // The models stored before the kill were not trained again: their records, timings too, are as the killed silo stored them,
            // and the result holds them as they are.
            var results = resumed.Result!.Value.GetProperty("results").EnumerateArray().ToArray();
            foreach (var (before, index) in running.Steps.Select((s, i) => (s, i)))
            {
                var after = resumed.Steps.Single(s => s.Key == before.Key);
                Assert.Equal((before.At, before.Result.GetRawText()), (after.At, after.Result.GetRawText()));
                Assert.Equal(before.Result.GetRawText(), results[index].GetRawText());
            }

            // The same config, uninterrupted, on the survivor: the same models (timings aside), summary and checks.
            (await survivor.Client.PostAsJsonAsync("v1/runs/diversity", Request("whole"))).EnsureSuccessStatusCode();
            (await survivor.Client.PostAsync("v1/runs/diversity/whole/start", null)).EnsureSuccessStatusCode();
            var whole = await WaitForRunAsync(survivor, "diversity/whole", r => r.Status == RunStatus.Completed);
            Assert.Equal(Measured(whole.Result!.Value), Measured(resumed.Result!.Value));
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    /// <summary>A diversity result without what depends on the machine's moment: timings, throughput, the environment.</summary>
    private static string[] Measured(JsonElement result)
    {
        string[] timings = ["train_seconds", "eval_seconds", "train_tokens_per_second"];
        return
        [
            .. result.GetProperty("results").EnumerateArray().Select(r =>
                string.Join(",", r.EnumerateObject().Where(p => !timings.Contains(p.Name)).Select(p => $"{p.Name}={p.Value.GetRawText()}"))),
            result.GetProperty("config").GetRawText(), result.GetProperty("summary").GetRawText(), result.GetProperty("convergence").GetRawText(),
            result.GetProperty("steps").GetRawText(),
        ];
    }

    /// <summary>Two silos with one engine thread each, serving the same untrained "tiny" model from one model folder.</summary>
    private async Task<SiloProcess[]> StartServingClusterAsync()
    {
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        using (var tiny = Engine.GptModel.Create(new Engine.ModelConfig(Engine.ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 2048, RotaryDim: 8), seed: 9))
        {
            tiny.Save(Path.Combine(models, "tiny.safetensors"));
        }
        return await StartClusterAsync(2, "--ActiveIT:EngineThreads=1", $"--ActiveIT:ModelDir={models}");
    }

    /// <summary>SIGKILLs the silo holding <paramref name="lease"/>; the other one.</summary>
    private static SiloProcess KillHolder(SiloProcess[] silos, RunnerLease? lease)
    {
        var victim = Holder(silos, lease);
        victim.Kill();
        return silos.Single(s => s != victim);
    }

    private static async Task<Grains.Runs.RunView> WaitForRunAsync(SiloProcess silo, string kindAndName, Func<Grains.Runs.RunView, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var run = (await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<Grains.Runs.RunView>($"v1/runs/{kindAndName}", Json.Options)))!;
            if (done(run))
            {
                return run;
            }
            Assert.True(run.Status is not RunStatus.Failed, run.Error);
            Assert.True(run.Status is not RunStatus.Completed, $"run {kindAndName} completed before the state waited for: {run.Progress}");
            Assert.True(DateTime.UtcNow < deadline, $"run {kindAndName} stuck: {run.Status}, {run.Progress}");
            await Task.Delay(20);
        }
    }

    private static async Task<Grains.Transfer.TransferRunState> WaitForTransferAsync(SiloProcess silo, string name, Func<Grains.Transfer.TransferRunState, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var run = (await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<Grains.Transfer.TransferRunState>($"v1/runs/transfer/{name}", Json.Options)))!;
            if (done(run))
            {
                return run;
            }
            Assert.True(run.Status is not RunStatus.Failed, run.StopReason);
            Assert.True(DateTime.UtcNow < deadline, $"transfer {name} stuck: {run.Status}, {run.Outcomes.Count}/{run.Tasks} tasks");
            await Task.Delay(20);
        }
    }

    private string? _connection;

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM orleansstorage", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Stops every silo (the killed ones are gone already) and writes their last lines to the test's output, which a failing test shows.</summary>
    private async Task DisposeAllAsync(IEnumerable<SiloProcess> silos)
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
            output.WriteLine(silo.RecentOutput());
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
