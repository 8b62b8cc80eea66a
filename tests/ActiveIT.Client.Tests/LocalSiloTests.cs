using System.Text.Json;
using ActiveIT.Client.Local;
using ActiveIT.Grains.Hosting;

namespace ActiveIT.Client.Tests;

/// <summary>
/// One data directory, one silo: CLI processes started at once share the local silo the first of them starts; it stops
/// when idle and the next command starts another; nothing else may open the database meanwhile.
/// </summary>
public sealed class LocalSiloTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-local-").FullName;

    private int Tasks(string pool) =>
        JsonDocument.Parse(CliRunner.Run($"pool stats --pool {pool} --json --data-dir {_dir}").Stdout).RootElement.GetProperty("tasks").GetInt32();

    private int SilosStarted() => File.ReadLines(LocalSiloHost.LogPath(_dir)).Count(l => l.Contains(" serving "));

    [Fact]
    public async Task ThreeProcessesAtOnce_ShareOneSilo_AndLoseNothing()
    {
        var children = Enumerable.Range(1, 3)
            .Select(seed => CliRunner.Start("pool", "generate", "--pool", "shared", "--rules", "40", "--instances", "4", "--seed", $"{seed}", "--data-dir", _dir))
            .ToArray();
        foreach (var child in children)
        {
            await child.WaitForExitAsync();
            Assert.Equal(0, child.ExitCode);
        }
        Assert.Equal(120, Tasks("shared"));  // three different rule sets, every task of each stored
        Assert.Equal(1, SilosStarted());
        var second = await Assert.ThrowsAnyAsync<Exception>(() => EmbeddedSilo.StartSqliteAsync(_dir));  // a second cluster on the file
        Assert.Contains("is served by another silo", second.ToString());
    }

    [Fact]
    public async Task AnIdleSiloStops_TheNextCommandStartsAnother_WithTheData()
    {
        using (var child = CliRunner.Start(new Dictionary<string, string?> { ["ACTIVEIT_LOCAL_IDLE_SECONDS"] = "1" },
                   "pool", "generate", "--pool", "kept", "--rules", "10", "--instances", "4", "--data-dir", _dir))
        {
            await child.WaitForExitAsync();
            Assert.Equal(0, child.ExitCode);
        }
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (LocalSiloFile.Read(_dir) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the idle local silo did not stop");
            await Task.Delay(100);
        }
        Assert.Contains("stopping: no client for 1 s", File.ReadAllText(LocalSiloHost.LogPath(_dir)));
        Assert.Equal(10, Tasks("kept"));
        Assert.Equal(2, SilosStarted());
        var status = CliRunner.Run($"local status --json --data-dir {_dir}");
        Assert.True(JsonDocument.Parse(status.Stdout).RootElement.GetProperty("running").GetBoolean(), status.Stderr);
        var stop = CliRunner.Run($"local stop --data-dir {_dir}");
        Assert.Equal(0, stop.ExitCode);
        Assert.Null(LocalSiloFile.Read(_dir));
        Assert.Contains("stopping: silo.json was removed", File.ReadAllText(LocalSiloHost.LogPath(_dir)));
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
