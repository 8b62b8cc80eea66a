using ActiveIT.Grains.Runs;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Silo.Tests;

/// <summary>Experiments on the silo: the CLI with --silo, the background worker, and a silo killed mid-experiment.</summary>
public sealed class SiloExperimentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-silo-exp-").FullName;

    public const string Tiny = "--pool rewrite --initial-tasks 4 --tasks-per-round 3 --rounds 2 --instances-per-task 4 --eval-tasks 3 --eval-instances 3 " +
        "--eval-max-new-tokens 8 --layers 1 --heads 2 --d-model 32 --context 192 --epochs 2 --batch-size 8 --warmup-steps 1 --score-instances 2 " +
        "--perturbations 2 --score-max-new-tokens 8 --seeds 1";

    private static async Task ImportPoolAsync(HttpClient client)
    {
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 20, 6, seed: 5);
        using var response = await client.PostAsJsonAsync("v1/pools/rewrite/tasks", tasks, Json.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cli_CreatesStartsWatchesAndExports_ThroughTheSilosWorker()
    {
        await using var silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}");
        Environment.SetEnvironmentVariable("ACTIVEIT_API_KEY", SiloServer.Key);
        await ImportPoolAsync(silo.Client);
        var remote = $"--silo {silo.Url}";

        var create = CliRunner.Run($"experiment create pu --strategy prompt-uncertainty {Tiny} {remote}");
        Assert.True(create.ExitCode == 0, create.Stderr);
        var start = CliRunner.Run($"experiment start pu --watch {remote}");
        Assert.True(start.ExitCode == 0, start.Stderr);
        Assert.Contains("seed 1 round 2: 10 tasks (+3)", start.Stdout);
        Assert.Contains("completed", start.Stderr);

        var status = CliRunner.Run($"experiment status {remote}");
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Matches(@"pu\s+rewrite\s+prompt-uncertainty\s+completed\s+1\s+3/3", status.Stdout);
        var results = CliRunner.Run($"experiment results pu --json {remote}");
        Assert.True(results.ExitCode == 0, results.Stderr);
        var experiment = JsonSerializer.Deserialize<Experiment>(results.Stdout, Json.Options)!;
        Assert.Equal([0, 1, 2], experiment.Runs.Single().Rounds.Select(r => r.Round).Order());
        Assert.All(experiment.Runs.Single().Rounds, r => Assert.True(File.Exists(Path.Combine(_dir, "experiments", r.Training!.Checkpoint))));
        Assert.Equal("cpu", experiment.Sessions.Single().Device);
        var csvPath = Path.Combine(_dir, "pu.csv");
        Assert.Equal(0, CliRunner.Run($"experiment results pu --csv {csvPath} {remote}").ExitCode);
        Assert.Equal(4, File.ReadAllLines(csvPath).Length);

        // Errors come back as the silo's problem details.
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Client.GetAsync("v1/runs/curriculum/nope")).StatusCode);
        using var again = await silo.Client.PostAsJsonAsync("v1/runs/curriculum", experiment.Config, Json.Options);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var bad = await silo.Client.PostAsJsonAsync("v1/runs/curriculum", experiment.Config with { Name = "bad", Strategy = "loudest" }, Json.Options);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("strategy: 'loudest'", await bad.Content.ReadAsStringAsync());
        var duplicate = CliRunner.Run($"experiment create pu {Tiny} {remote}");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("exists already", duplicate.Stderr);

        Assert.Equal(0, CliRunner.Run($"experiment delete pu {remote}").ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_dir, "experiments", "pu")));
        Assert.Equal(2, CliRunner.Run($"experiment status pu {remote}").ExitCode);
    }

    [Fact]
    public async Task SiloKilledMidExperiment_ResumesOnRestart_ToTheUninterruptedResult()
    {
        string[] args = ["--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}", "--ActiveIT:EngineThreads=1"];
        var config = new ExperimentConfig
        {
            Name = "killed", Pool = "rewrite", Strategy = "prompt-uncertainty", InitialTasks = 4, TasksPerRound = 3, Rounds = 2, InstancesPerTask = 6,
            Evaluation = new EvaluationSpec { Tasks = 3, InstancesPerTask = 3, MaxNewTokens = 8 },
            Model = new ModelSpec { Layers = 1, Heads = 2, DModel = 32, Context = 192 },
            Training = new TrainingSpec { Epochs = 6, BatchSize = 4, WarmupSteps = 1 },
            Scoring = new ScoringSpec { Instances = 2, Perturbations = 2, MaxNewTokens = 8 },
        };
        await using (var silo = await SiloProcess.StartAsync(args))
        {
            await ImportPoolAsync(silo.Client);
            (await silo.Client.PostAsJsonAsync("v1/runs/curriculum", config, Json.Options)).EnsureSuccessStatusCode();
            (await silo.Client.PostAsync("v1/runs/curriculum/killed/start", null)).EnsureSuccessStatusCode();
            // Kill as soon as round 1 has begun: its selection is recorded, its training is not finished.
            var killedAt = await WaitForAsync(silo.Client, "killed", e => e.Runs.SingleOrDefault()?.Rounds.Any(r => r.Round == 1) == true);
            silo.Kill();
            Assert.NotEqual(RunStatus.Completed, killedAt.Status);
            Assert.Null(killedAt.Runs.Single().Rounds.Single(r => r.Round == 1).Evaluation);
        }
        await using (var restarted = await SiloProcess.StartAsync(args))
        {
            var resumed = await WaitForAsync(restarted.Client, "killed", e => e.Status == RunStatus.Completed);
            Assert.Equal(2, resumed.Sessions.Count);  // the worker picked it up again by itself

            (await restarted.Client.PostAsJsonAsync("v1/runs/curriculum", config with { Name = "whole" }, Json.Options)).EnsureSuccessStatusCode();
            (await restarted.Client.PostAsync("v1/runs/curriculum/whole/start", null)).EnsureSuccessStatusCode();
            var whole = await WaitForAsync(restarted.Client, "whole", e => e.Status == RunStatus.Completed);

            static string[] Summary(Experiment e) => [.. e.Runs.Single().Rounds.OrderBy(r => r.Round)
                .Select(r => $"{string.Join(",", r.Selection.Selected.Select(s => s.TaskId))} {r.Training!.ModelVersion} {r.Evaluation!.Value}")];
            Assert.Equal(Summary(whole), Summary(resumed));
        }
    }

    private static async Task<Experiment> WaitForAsync(HttpClient client, string name, Func<Experiment, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var experiment = (await client.GetFromJsonAsync<Experiment>($"v1/runs/curriculum/{name}", Json.Options))!;
            if (done(experiment))
            {
                return experiment;
            }
            Assert.True(experiment.Status is not RunStatus.Failed, experiment.Error);
            Assert.True(DateTime.UtcNow < deadline, $"experiment {name} stuck: {experiment.Status}, {experiment.Progress}");
            await Task.Delay(20);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
