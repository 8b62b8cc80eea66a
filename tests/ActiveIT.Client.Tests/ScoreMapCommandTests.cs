using System.Text.Json;
using System.Xml.Linq;
using ActiveIT.Engine;

namespace ActiveIT.Client.Tests;

public sealed class ScoreMapCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-score-cli-").FullName;

    [Fact]
    public void ScoreThenMap_CachesScoresAndWritesSvgAndCsv()
    {
        var tasks = Directory.CreateDirectory(Path.Combine(_dir, "tasks")).FullName;
        foreach (var file in Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().Take(6))
        {
            File.Copy(file, Path.Combine(tasks, Path.GetFileName(file)));
        }
        using (var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 1, 2, 32, MaxSeqLen: 192, RotaryDim: 8), seed: 1))
        {
            model.Save(Path.Combine(_dir, "tiny.safetensors"));
        }
        var common = $"--pool p --data-dir {_dir}/data";
        var scoring = $"--model {_dir}/tiny.safetensors --instances 2 --perturbations 2 --max-new-tokens 4";
        Assert.Equal(0, CliRunner.Run($"pool import {tasks} {common}").ExitCode);

        var first = CliRunner.Run($"score {common} {scoring} --json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var rows = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(6, rows.Length);
        Assert.All(rows, r => Assert.False(r.GetProperty("cached").GetBoolean()));
        var second = CliRunner.Run($"score {common} {scoring}");
        Assert.Contains("6 tasks (0 scored now, 6 from cache)", second.Stdout);
        Assert.Contains("0 engine calls", second.Stdout);

        var map = CliRunner.Run($"map {common} {scoring} --svg {_dir}/map.svg --csv {_dir}/map.csv --json");
        Assert.True(map.ExitCode == 0, map.Stderr);
        var json = JsonDocument.Parse(map.Stdout).RootElement;
        Assert.Equal(6, json.GetProperty("tasks").GetArrayLength());
        Assert.Equal(2, json.GetProperty("tasks").EnumerateArray().Count(t => t.GetProperty("category").GetString() == "ambiguous"));
        Assert.Equal(7, File.ReadAllLines(Path.Combine(_dir, "map.csv")).Length);
        var svg = XDocument.Load(Path.Combine(_dir, "map.svg"));
        Assert.Equal(6, svg.Descendants().Count(e => e.Name.LocalName == "title"));

        // The ambiguous tasks removed: the map of the head has four tasks, the map of the version scored still six.
        var ambiguous = json.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("category").GetString() == "ambiguous").Select(t => t.GetProperty("task_id").GetString());
        var removed = CliRunner.Run($"pool remove {common} {scoring} --map-category ambiguous --if-version 6 --reason \"ambiguous on the map\" --json");
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.Equal(2, JsonDocument.Parse(removed.Stdout).RootElement.GetProperty("removed").GetInt32());
        Assert.All(ambiguous, id => Assert.DoesNotContain(id!, CliRunner.Run($"pool list {common}").Stdout));
        Assert.Equal(4, JsonDocument.Parse(CliRunner.Run($"map {common} {scoring} --json").Stdout).RootElement.GetProperty("tasks").GetArrayLength());
        var before = CliRunner.Run($"map {common} {scoring} --version 6 --json");
        Assert.True(before.ExitCode == 0, before.Stderr);
        Assert.Equal(6, JsonDocument.Parse(before.Stdout).RootElement.GetProperty("tasks").GetArrayLength());

        var other = CliRunner.Run($"map {common} {scoring.Replace("--instances 2", "--instances 3")}");
        Assert.Equal(ExitCodes.InvalidInput, other.ExitCode);
        Assert.Contains("run `activeit score` with the same options first", other.Stderr);
        Assert.False(json.TryGetProperty("truth_check", out var none) && none.ValueKind != JsonValueKind.Null);  // NIV2 tasks carry no injected truth
    }

    [Fact]
    public void Map_OfAFamiliesPool_IsCheckedAgainstItsInjectedGroundTruth()
    {
        using (var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 1, 2, 32, MaxSeqLen: 256, RotaryDim: 8), seed: 2))
        {
            model.Save(Path.Combine(_dir, "tiny.safetensors"));
        }
        var common = $"--pool f --data-dir {_dir}/data";
        var scoring = $"--model {_dir}/tiny.safetensors --instances 2 --perturbations 2 --max-new-tokens 4";
        Assert.Equal(0, CliRunner.Run($"pool generate --kind families --tasks 12 --instances 3 --ambiguous-share 0.25 --noisy-share 0.25 {common}").ExitCode);
        var score = CliRunner.Run($"score {common} {scoring}");
        Assert.True(score.ExitCode == 0, score.Stderr);
        Assert.Contains("scale deviation: max_new_tokens 4 (paper: 128)", score.Stderr);
        Assert.Contains("scale deviation: instances 2 (paper: 10)", score.Stderr);

        var map = CliRunner.Run($"map {common} {scoring}");
        Assert.True(map.ExitCode == 0, map.Stderr);
        Assert.Contains("the map against the pool's ground truth (12 labelled tasks", map.Stdout);
        var json = JsonDocument.Parse(CliRunner.Run($"map {common} {scoring} --json").Stdout).RootElement;
        var rows = json.GetProperty("truth_check").EnumerateArray().ToArray();
        Assert.Equal(9, rows.Length);  // none, ambiguous, noisy × three categories
        Assert.Equal(("ambiguous", "ambiguous"), (rows[0].GetProperty("injected").GetString(), rows[0].GetProperty("category").GetString()));
        Assert.Equal(("noisy", "difficult"), (rows[1].GetProperty("injected").GetString(), rows[1].GetProperty("category").GetString()));
        var injections = new Dictionary<string, int> { ["ambiguous"] = 3, ["noisy"] = 3, ["none"] = 6 };  // 12 tasks, a quarter each injected
        Assert.All(rows, r => Assert.Equal(injections[r.GetProperty("injected").GetString()!], r.GetProperty("injections").GetInt32()));
        // Every labelled task is counted once per kind: the hits of a kind over the categories add up to its tasks.
        foreach (var kind in rows.GroupBy(r => r.GetProperty("injected").GetString()))
        {
            Assert.Equal(kind.First().GetProperty("injections").GetInt32(), kind.Sum(r => r.GetProperty("hits").GetInt32()));
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ActiveIT.Tests.Scratch.Delete(_dir);
    }
}
