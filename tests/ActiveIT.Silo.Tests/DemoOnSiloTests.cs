using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// `activeit demo --silo URL` against a cluster of two silo processes on one PostgreSQL database and one model folder:
/// one command imports the pool, pretrains the bases as a run and queues every experiment, the two silos' workers share
/// them, and the CLI writes the same report from the silo's records; run again, it runs nothing twice.
/// </summary>
[Collection(nameof(PostgresCollection))]
public sealed class DemoOnSiloTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-demo-silo-").FullName;
    private SiloProcess[] _silos = [];

    private static readonly Dictionary<string, string?> Key = new() { ["ACTIVEIT_API_KEY"] = SiloServer.Key, ["ACTIVEIT_SILO"] = null };

    public async Task InitializeAsync()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var cluster = TestCluster.NewClusterId();
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        var silos = new List<SiloProcess>();
        for (var i = 0; i < 2; i++)  // one at a time: the first creates the schema
        {
            // One experiment at a time per silo, so two experiments queued together run on both.
            silos.Add(await SiloProcess.StartAsync(TestCluster.SiloArgs(connection, cluster, _dir, i, "--ActiveIT:EngineThreads=1",
                "--ActiveIT:MaxConcurrentExperiments=1", $"--ActiveIT:ModelDir={models}")));
        }
        _silos = [.. silos];
    }

    [Fact]
    public async Task DemoOnACluster_SharesItsExperimentsAmongTheSilos_ReportsFromTheirRecords_AndRunsNothingTwice()
    {
        var url = _silos[0].Client.BaseAddress!.ToString();
        var first = CliRunner.Run($"demo --scale smoke --silo {url} --out {_dir}/out", Key);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains($"on the silo {url} (its engine settings)", first.Stderr);
        Assert.Contains("2 experiments on the silo, 2 started now", first.Stderr);
        Assert.Contains("seed 2 round 2:", first.Stdout);  // rounds printed as the silos record them
        Assert.Contains("ranking: gain over smoke-random", first.Stdout);
        Assert.Contains("task map check: left out on a silo", first.Stderr);

        // The silos hold the experiments: the base from the silos' model folder, named relative by the CLI and made whole
        // there, and one experiment run by each silo process.
        var experiments = new List<Experiment>();
        foreach (var name in new[] { "smoke-random", "smoke-prompt-uncertainty" })
        {
            var e = (await _silos[1].Client.GetFromJsonAsync<Experiment>($"v1/runs/curriculum/{name}", Json.Options))!;
            Assert.Equal(RunStatus.Completed, e.Status);
            Assert.StartsWith(Path.Combine(_dir, "models", "base-"), e.Config.Model.BaseCheckpoint);
            Assert.Equal("key-0", e.Owner);
            experiments.Add(e);
        }
        var runners = experiments.SelectMany(e => e.Sessions).Select(s => int.Parse(s.Runner.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Equal(_silos.Select(s => s.ProcessId).ToHashSet(), runners);

        // The records and the report: both seeds whole, written from what the silo recorded.
        using (var records = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "records.json"))))
        {
            Assert.Equal([1UL, 2UL], records.RootElement.GetProperty("seeds").EnumerateArray().Select(x => x.GetUInt64()));
            Assert.Equal(2, records.RootElement.GetProperty("experiments").GetArrayLength());
        }
        using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "results.json"))))
        {
            Assert.Equal(2, results.RootElement.GetProperty("pretraining").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, results.RootElement.GetProperty("map_check").ValueKind);
            Assert.Equal(url, results.RootElement.GetProperty("silo").GetString());
            var ranked = results.RootElement.GetProperty("ranking").EnumerateArray().Select(r => r.GetProperty("experiment").GetString()).ToArray();
            Assert.Contains("smoke-prompt-uncertainty", ranked);
        }
        var csv = File.ReadAllText(Path.Combine(_dir, "out", "results.csv"));

        // Again: the bases are found, no experiment starts, and the report is the same.
        var again = CliRunner.Run($"demo --scale smoke --silo {url} --out {_dir}/again", Key);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("(cached)", again.Stderr);
        Assert.Contains("2 experiments on the silo, 0 started now", again.Stderr);
        Assert.Equal(csv, File.ReadAllText(Path.Combine(_dir, "again", "results.csv")));
        foreach (var e in experiments)
        {
            var now = (await _silos[0].Client.GetFromJsonAsync<Experiment>($"v1/runs/curriculum/{e.Name}", Json.Options))!;
            Assert.Equal(e.Sessions.Count, now.Sessions.Count);
        }

        // Records come with the silo, not from a file; a URL that is none is named.
        var restore = CliRunner.Run($"demo --scale smoke --silo {url} --out {_dir}/r --restore {_dir}/out/records.json", Key);
        Assert.Equal(ExitCodes.InvalidInput, restore.ExitCode);
        Assert.Contains("--restore brings records into the local data directory", restore.Stderr);
        var notUrl = CliRunner.Run($"demo --scale smoke --silo 127.0.0.1:5 --out {_dir}/r", Key);
        Assert.Equal(ExitCodes.InvalidInput, notUrl.ExitCode);
        Assert.Contains("--silo '127.0.0.1:5': an http(s) URL", notUrl.Stderr);
    }

    [Fact]
    public async Task TheCliKilledWhileTheSilosRun_TheRunsGoOn_AndTheSameCommandAgainFollowsThemToTheReport_StartingNothingTwice()
    {
        var url = _silos[0].Client.BaseAddress!.ToString();
        using var cli = CliRunner.Start(Key, "demo", "--scale", "smoke", "--silo", url, "--out", $"{_dir}/k");
        // Kill the CLI (SIGKILL) once it has started both experiments on the silo: from then on it only follows them.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        Experiment?[] seen;
        while (true)
        {
            seen = await Task.WhenAll(new[] { "smoke-random", "smoke-prompt-uncertainty" }.Select(Get));
            if (seen.All(e => e is { Status: RunStatus.Queued or RunStatus.Running or RunStatus.Completed }))
            {
                break;
            }
            Assert.False(cli.HasExited, $"the CLI ended (exit {(cli.HasExited ? cli.ExitCode : 0)}) before both experiments were seen started");
            Assert.True(DateTime.UtcNow < deadline, "the experiments were never started");
            await Task.Delay(20);
        }
        cli.Kill(entireProcessTree: true);
        await cli.WaitForExitAsync();
        Assert.False(seen.All(e => e!.Status is RunStatus.Completed), "both finished before the kill: nothing was left to follow");

        var again = CliRunner.Run($"demo --scale smoke --silo {url} --out {_dir}/k", Key);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("2 experiments on the silo, 0 started now", again.Stderr);  // started by the killed CLI, and still queued or running
        Assert.Contains("ranking: gain over smoke-random", again.Stdout);
        foreach (var name in new[] { "smoke-random", "smoke-prompt-uncertainty" })
        {
            var e = (await Get(name))!;
            Assert.Equal(RunStatus.Completed, e.Status);
            Assert.Equal([1UL, 2UL], e.Runs.Select(r => r.Seed));
        }
        using var records = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "k", "records.json")));
        Assert.Equal([1UL, 2UL], records.RootElement.GetProperty("seeds").EnumerateArray().Select(x => x.GetUInt64()));

        async Task<Experiment?> Get(string name)
        {
            using var response = await _silos[1].Client.GetAsync($"v1/runs/curriculum/{name}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<Experiment>(Json.Options) : null;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
