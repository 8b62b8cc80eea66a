using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Tests;

/// <summary>`activeit diversity --silo URL`: the experiment as a run of a real silo, the CLI a view of it that writes the same files.</summary>
public sealed class DiversityCliTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-diversity-cli-").FullName;
    private SiloServer _silo = null!;

    // Seconds: two instruction counts, two seeds, a one-layer model, one epoch (as DiversityCommandTests).
    private const string Small = "--instructions 2,8 --seeds 1,2 --budget 64 --epochs 1 --batch-size 16 --test-rules 8 --test-examples 20 " +
                                 "--layers 1 --heads 2 --d-model 32";

    public async Task InitializeAsync() =>
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", "--ActiveIT:EngineThreads=1");

    private static readonly Dictionary<string, string?> Key = new() { ["ACTIVEIT_API_KEY"] = SiloServer.Key, ["ACTIVEIT_SILO"] = null };

    [Fact]
    public async Task DiversityOnASilo_RunsThereAsADiversityRun_AndWritesItsResultAsTheInProcessCommandWould()
    {
        var onSilo = CliRunner.Run($"diversity {Small} --silo {_silo.Url} --name cli-div --out {_dir}/silo", Key);
        Assert.True(onSilo.ExitCode == 0, onSilo.Stderr);
        Assert.Contains($"run 'cli-div' on {_silo.Url}v1/runs/diversity/cli-div", onSilo.Stderr);
        Assert.Contains("scale 'demo'", onSilo.Stdout);
        Assert.Contains("unseen mean", onSilo.Stdout);
        Assert.Contains("UNCONVERGED (α 1.000)", onSilo.Stdout);

        // The silo holds the run: four models stored one by one as steps, and the result the files were written from.
        var run = (await _silo.Client.GetFromJsonAsync<RunView>("v1/runs/diversity/cli-div", Json.Options))!;
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("key-0", run.Owner);  // the silo's configured key that the CLI sent
        Assert.Equal(4, run.Steps!.Count);
        var result = run.Result!.Value;
        var csv = File.ReadAllLines(Path.Combine(_dir, "silo", "results.csv"));
        Assert.Equal(5, csv.Length);
        var rows = result.GetProperty("results").EnumerateArray().ToArray();
        foreach (var (line, row) in csv.Skip(1).Zip(rows))
        {
            var cells = line.Split(',');
            Assert.Equal(row.GetProperty("instructions").GetInt32().ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(row.GetProperty("seed").GetUInt64().ToString(CultureInfo.InvariantCulture), cells[7]);
            Assert.Equal(row.GetProperty("train_seconds").GetDouble(), double.Parse(cells[18], CultureInfo.InvariantCulture));  // the silo's own timing
        }
        using (var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "silo", "run.json"))))
        {
            Assert.Equal("cli-div", written.RootElement.GetProperty("run").GetString());
            Assert.Equal(JsonSerializer.Serialize(result.GetProperty("summary")), JsonSerializer.Serialize(written.RootElement.GetProperty("summary")));
            Assert.Equal(4, written.RootElement.GetProperty("config").GetProperty("training").GetProperty("total_steps").GetInt32());
            Assert.Equal(1, written.RootElement.GetProperty("environment").GetProperty("threads").GetInt32());  // the silo's engine, not this process's
        }
        Assert.True(File.Exists(Path.Combine(_dir, "silo", "accuracy.svg")));

        // The same options in this process, on one engine thread as the silo's: the same models, timings and loss rounding aside.
        var here = CliRunner.Run($"diversity {Small} --threads 1 --out {_dir}/here", Key);
        Assert.True(here.ExitCode == 0, here.Stderr);
        static string[][] Rows(string path) => [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))];
        foreach (var (a, b) in Rows(Path.Combine(_dir, "silo", "results.csv")).Zip(Rows(Path.Combine(_dir, "here", "results.csv"))))
        {
            Assert.Equal(a[..16], b[..16]);
            Assert.Equal(float.Parse(a[16], CultureInfo.InvariantCulture), float.Parse(b[16], CultureInfo.InvariantCulture), 1e-3f);
            Assert.Equal(a[17], b[17]);
        }

        // The same command again starts the completed run again, which finds every model stored and trains none: the same rows, timings too.
        var again = CliRunner.Run($"diversity {Small} --silo {_silo.Url} --name cli-div --out {_dir}/again", Key);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(csv, File.ReadAllLines(Path.Combine(_dir, "again", "results.csv")));
        Assert.Equal(2, (await _silo.Client.GetFromJsonAsync<RunView>("v1/runs/diversity/cli-div", Json.Options))!.Sessions.Count);

        // Another config under the same name is refused, naming the run; a config that cannot run names the option.
        var other = CliRunner.Run($"diversity {Small.Replace("--epochs 1", "--epochs 2")} --silo {_silo.Url} --name cli-div --out {_dir}/other", Key);
        Assert.Equal(ExitCodes.Failure, other.ExitCode);
        Assert.Contains("diversity run 'cli-div' exists already", other.Stderr);
        var invalid = CliRunner.Run($"diversity {Small} --seeds 3,3 --silo {_silo.Url} --out {_dir}/invalid", Key);
        Assert.Equal(ExitCodes.InvalidInput, invalid.ExitCode);
        Assert.Contains("--seeds lists a seed twice", invalid.Stderr);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
