using ActiveIT.Grains.Runs;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Grains.Curriculum;
using Xunit.Abstractions;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// Faults under load: 8 clients × 1,000 mixed operations (imports, score-cache writes, experiment creates and
/// cancels) against two silo processes on one PostgreSQL, one silo killed with SIGKILL and restarted mid-run. A
/// client sends each operation to its own silo first and retries an unanswered one (connection refused or cut, 503)
/// on the other, as a user's client would; any other failure fails the test. Afterwards every acknowledged write is
/// counted back: pools hold exactly the tasks sent, each added once (version = tasks), every score a scoring call
/// returned is cached, the experiment list holds every created experiment once with the status its client left.
/// The latency table (p50/p99 per kind, and inside the fault window) goes to the test output; docs/hardening.md
/// keeps a run's.
/// </summary>
[Collection(nameof(PostgresCollection))]
public sealed class LoadFaultTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const int Clients = 8;
    private const int OpsPerClient = 1000;
    private const int Pools = 4;  // clients c and c + 4 share pool c % 4, drawing overlapping tasks
    private const int TasksPerPool = 300;
    private const string ScoreQuery = "model=tiny&instances=2&perturbations=2&maxNewTokens=4";

    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-load-").FullName;

    private enum Kind { Import, Score, Create, Cancel }

    private sealed record Sample(Kind Kind, DateTime Start, double Milliseconds, int Attempts);

    /// <summary>What the clients were told was done, to be counted back.</summary>
    private sealed class Acknowledged
    {
        public ConcurrentDictionary<string, byte>[] Imported { get; } = [.. Enumerable.Range(0, Pools).Select(_ => new ConcurrentDictionary<string, byte>())];
        public ConcurrentDictionary<string, byte>[] Scored { get; } = [.. Enumerable.Range(0, Pools).Select(_ => new ConcurrentDictionary<string, byte>())];
        public ConcurrentDictionary<string, byte> Created { get; } = new();
        public ConcurrentDictionary<string, byte> Cancelled { get; } = new();
    }

    [Fact]
    public async Task EightClients_AThousandMixedOperationsEach_ASiloKilledAndRestarted_NoWriteLostOrDuplicated()
    {
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        using (var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 1, 2, 16, MaxSeqLen: 256, RotaryDim: 4), seed: 1))
        {
            model.Save(Path.Combine(models, "tiny.safetensors"));
        }
        var connection = await postgres.CreateDatabaseAsync();
        var cluster = TestCluster.NewClusterId();
        string[] Args(int i) => TestCluster.SiloArgs(connection, cluster, _dir, i, $"--ActiveIT:ModelDir={models}", "--ActiveIT:EngineThreads=1");
        var silos = new[] { await SiloProcess.StartAsync(Args(0)), await SiloProcess.StartAsync(Args(1)) };
        // Every silo process of the test, the killed one too: their last log lines go into a failure's message.
        var everyone = new ConcurrentQueue<SiloProcess>(silos);
        string Logs() => string.Join("\n", everyone.Select(x => x.RecentOutput()));
        var urls = silos.Select(s => s.Client.BaseAddress!).ToArray();  // a restarted silo listens elsewhere: clients read this
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", SiloServer.Key);
        try
        {
            var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 });
            (await silos[0].Client.PostAsJsonAsync("v1/pools/exp/tasks", RewriteTaskSource.Tasks(generator, 20, 6, seed: 1), Json.Options)).EnsureSuccessStatusCode();
            var universe = Enumerable.Range(0, Pools).Select(k => RewriteTaskSource.Tasks(generator, TasksPerPool, 2, seed: (ulong)(10 + k))).ToArray();

            var acknowledged = new Acknowledged();
            var samples = new ConcurrentBag<Sample>();
            var completed = 0;
            var clock = Stopwatch.StartNew();
            var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c))).ToArray();

            // The fault: once a quarter of the operations are done, SIGKILL silo 1, then start it again.
            while (Volatile.Read(ref completed) < Clients * OpsPerClient / 4 && !clients.All(t => t.IsCompleted))
            {
                await Task.Delay(20);
            }
            var killedAt = DateTime.UtcNow;
            silos[1].Kill();
            await silos[1].DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            silos[1] = await SiloProcess.StartAsync(Args(1));
            everyone.Enqueue(silos[1]);
            urls[1] = silos[1].Client.BaseAddress!;
            var restartedAt = DateTime.UtcNow;
            await Task.WhenAll(clients);
            var wall = clock.Elapsed;

            Assert.Contains(samples, s => s.Attempts > 1);  // the kill was felt: some operations had to be sent again
            await CheckCountsAsync(silos[0], acknowledged);
            Report(samples, killedAt, restartedAt, wall);

            async Task ClientAsync(int c)
            {
                var random = new Random(c);
                var pool = c % Pools;
                var open = new List<string>();  // this client's created, not yet cancelled experiments
                for (var i = 0; i < OpsPerClient; i++)
                {
                    var roll = i == 0 ? 0 : random.NextDouble();  // an import first: a pool must have tasks to be scored
                    var kind = roll < 0.45 ? Kind.Import : roll < 0.65 ? Kind.Score : roll < 0.85 || open.Count == 0 ? Kind.Create : Kind.Cancel;
                    var start = DateTime.UtcNow;
                    var watch = Stopwatch.StartNew();
                    var attempts = kind switch
                    {
                        Kind.Import => await ImportAsync(c, pool, random),
                        Kind.Score => await ScoreAsync(c, pool),
                        Kind.Create => await CreateAsync(c, $"c{c}-e{i}", open),
                        _ => await CancelAsync(c, open, random),
                    };
                    samples.Add(new Sample(kind, start, watch.Elapsed.TotalMilliseconds, attempts));
                    Interlocked.Increment(ref completed);
                }
            }

            Task<int> ImportAsync(int c, int pool, Random random)
            {
                var tasks = Enumerable.Range(0, 3).Select(_ => universe[pool][random.Next(TasksPerPool)]).DistinctBy(t => t.Id).ToArray();
                return SendAsync(c, $"import into load-{pool}", async url =>
                {
                    using var response = await http.PostAsJsonAsync(new Uri(url, $"v1/pools/load-{pool}/tasks?origin=c{c}"), tasks, Json.Options);
                    return await AcceptAsync(response, "import", () => Array.ForEach(tasks, t => acknowledged.Imported[pool].TryAdd(t.Id, 0)));
                });
            }

            // A scoring run: created and started (the same settings on a pool name one run, started again by each client),
            // then read until it ends; the scores it reports are then read back as the silo's acknowledgement.
            Task<int> ScoreAsync(int c, int pool) => SendAsync(c, $"scoring run load-{pool}", async url =>
            {
                using var created = await http.PostAsJsonAsync(new Uri(url, "v1/runs/scoring"),
                    new { pool = $"load-{pool}", model = "tiny", instances = 2, perturbations = 2, max_new_tokens = 4, name = $"load-{pool}" });
                if (!created.IsSuccessStatusCode)
                {
                    return await AcceptAsync(created, "score", () => { });
                }
                using var started = await http.PostAsync(new Uri(url, $"v1/runs/scoring/load-{pool}/start"), null);
                if (!started.IsSuccessStatusCode)
                {
                    // 409: the run is held by a live runner (another client's start): follow it all the same.
                    Assert.True(started.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable,
                        $"score start: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
                }
                var waitUntil = DateTime.UtcNow.AddSeconds(90);
                while (true)
                {
                    if (DateTime.UtcNow > waitUntil)
                    {
                        return false;  // not finished in time here: sent again (the run goes on), within the operation's deadline
                    }
                    using var read = await http.GetAsync(new Uri(url, $"v1/runs/scoring/load-{pool}"));
                    if (!read.IsSuccessStatusCode)
                    {
                        return await AcceptAsync(read, "score", () => { });
                    }
                    var view = await read.Content.ReadFromJsonAsync<JsonElement>();
                    var status = view.GetProperty("status").GetString();
                    if (status == "completed")
                    {
                        break;
                    }
                    // Paused: let go after a cluster fault, between its silo's worker and the queue's next claim.
                    Assert.True(status is "queued" or "running" or "paused", $"scoring run load-{pool}: {view}\n{Logs()}");
                    await Task.Delay(100);
                }
                using var scores = await http.GetAsync(new Uri(url, $"v1/pools/load-{pool}/scores?model=tiny&instances=2&perturbations=2&maxNewTokens=4"));
                if (!scores.IsSuccessStatusCode)
                {
                    return await AcceptAsync(scores, "score", () => { });
                }
                foreach (var result in (await scores.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray())
                {
                    acknowledged.Scored[pool].TryAdd(result.GetProperty("task_id").GetString()!, 0);
                }
                return true;
            });

            async Task<int> CreateAsync(int c, string name, List<string> open)
            {
                var attempts = await SendAsync(c, $"create {name}", async url =>
                {
                    using var response = await http.PostAsJsonAsync(new Uri(url, "v1/runs/curriculum"), Experiment(name), Json.Options);
                    return await AcceptAsync(response, $"create {name}", () => acknowledged.Created.TryAdd(name, 0));
                });
                open.Add(name);
                return attempts;
            }

            async Task<int> CancelAsync(int c, List<string> open, Random random)
            {
                var name = open[random.Next(open.Count)];
                var attempts = await SendAsync(c, $"cancel {name}", async url =>
                {
                    using var response = await http.PostAsync(new Uri(url, $"v1/runs/curriculum/{name}/cancel"), null);
                    return await AcceptAsync(response, $"cancel {name}", () => acknowledged.Cancelled.TryAdd(name, 0));
                });
                open.Remove(name);
                return attempts;
            }

            // Sends until answered: silo c % 2 first, the other after each unanswered attempt. Returns the attempts.
            async Task<int> SendAsync(int c, string what, Func<Uri, Task<bool>> attempt)
            {
                var deadline = DateTime.UtcNow.AddMinutes(2);
                var tries = new List<string>();  // what each attempt met, for the failure message
                for (var n = 0; ; n++)
                {
                    var sent = Stopwatch.StartNew();
                    try
                    {
                        if (await attempt(urls[(c + n) % 2]))
                        {
                            return n + 1;
                        }
                        tries.Add($"silo {(c + n) % 2}: retry asked after {sent.Elapsed.TotalSeconds:0.0} s");
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Net.Sockets.SocketException)
                    {
                        // the silo is gone, or went away mid-answer (a connection torn down as it opened can surface as a bare
                        // SocketException from HttpClient's connection pool)
                        tries.Add($"silo {(c + n) % 2}: {e.GetType().Name} after {sent.Elapsed.TotalSeconds:0.0} s");
                    }
                    Assert.True(DateTime.UtcNow < deadline, $"client {c}: {what} was not answered in 2 minutes ({n + 1} attempts: {string.Join("; ", tries)})\n{Logs()}");
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>Success runs <paramref name="acknowledge"/>; 503 asks for a retry; anything else fails the test with the silo's answer.</summary>
    private static async Task<bool> AcceptAsync(HttpResponseMessage response, string what, Action acknowledge)
    {
        if (response.IsSuccessStatusCode)
        {
            acknowledge();
            return true;
        }
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return false;
    }

    private static ExperimentConfig Experiment(string name) => new()
    {
        Name = name, Pool = "exp", Strategy = "random", InitialTasks = 4, TasksPerRound = 3, Rounds = 2, InstancesPerTask = 6,
        Evaluation = new EvaluationSpec { Tasks = 3, InstancesPerTask = 3, MaxNewTokens = 8 },
        Model = new ModelSpec { Layers = 1, Heads = 2, DModel = 32, Context = 192 },
        Training = new TrainingSpec { Epochs = 1, BatchSize = 4, WarmupSteps = 1 },
    };

    private static async Task CheckCountsAsync(SiloProcess silo, Acknowledged acknowledged)
    {
        for (var pool = 0; pool < Pools; pool++)
        {
            var stats = await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<JsonElement>($"v1/pools/load-{pool}/stats"));
            var members = (await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<JsonElement>($"v1/pools/load-{pool}/tasks?limit=100000")))
                .EnumerateArray().Select(m => m.GetProperty("task_id").GetString()!).ToArray();
            Assert.Equal(acknowledged.Imported[pool].Keys.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));  // none lost, none extra, none twice
            Assert.Equal((members.Length, members.Length), (stats.GetProperty("tasks").GetInt32(), (int)stats.GetProperty("version").GetInt64()));  // each added once

            var scores = (await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<JsonElement>($"v1/pools/load-{pool}/scores?{ScoreQuery}")))
                .GetProperty("results").EnumerateArray().Select(r => r.GetProperty("task_id").GetString()!).ToArray();
            Assert.Equal(scores.Length, scores.Distinct().Count());
            Assert.Empty(acknowledged.Scored[pool].Keys.Except(scores));  // every score a call returned is cached
            Assert.Empty(scores.Except(members));
        }
        var experiments = (await TestCluster.RetryAsync(() => silo.Client.GetFromJsonAsync<List<Experiment>>("v1/runs/curriculum", Json.Options)))!;
        Assert.Equal(acknowledged.Created.Keys.Order(StringComparer.Ordinal), experiments.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(experiments, e => Assert.Equal(acknowledged.Cancelled.ContainsKey(e.Name) ? RunStatus.Cancelled : RunStatus.Created, e.Status));
    }

    private void Report(IReadOnlyCollection<Sample> samples, DateTime killedAt, DateTime restartedAt, TimeSpan wall)
    {
        var window = (From: killedAt, To: restartedAt.AddSeconds(10));
        output.WriteLine($"{samples.Count} operations, {Clients} clients, 2 silos on PostgreSQL; silo 1 killed at {(killedAt - samples.Min(s => s.Start)).TotalSeconds:F1} s, " +
            $"back after {(restartedAt - killedAt).TotalSeconds:F1} s; wall {wall.TotalSeconds:F1} s ({samples.Count / wall.TotalSeconds:F0} ops/s)");
        output.WriteLine("| operation | count | p50 ms | p99 ms | max ms | retried | in fault window | its p50 ms | its p99 ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in samples.GroupBy(s => s.Kind).OrderBy(g => g.Key).Append(samples.GroupBy(_ => (Kind)(-1)).Single()))
        {
            var all = group.Select(s => s.Milliseconds).Order().ToArray();
            var fault = group.Where(s => s.Start >= window.From && s.Start <= window.To).Select(s => s.Milliseconds).Order().ToArray();
            var name = group.Key < 0 ? "all" : group.Key.ToString().ToLowerInvariant();
            output.WriteLine($"| {name} | {all.Length} | {Quantile(all, 0.5):F1} | {Quantile(all, 0.99):F1} | {all[^1]:F1} | {group.Count(s => s.Attempts > 1)} | " +
                $"{fault.Length} | {Quantile(fault, 0.5):F1} | {Quantile(fault, 0.99):F1} |");
        }
    }

    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
