using System.Text.Json;

namespace ActiveIT.Client.Tests;

public sealed class PoolCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-pool-cli-").FullName;

    private (int Code, string Stdout, string Stderr) Run(string args) => CliRunner.Run($"pool {args} --data-dir {_dir}/data");

    [Fact]
    public void ImportListShowStatsExport_EmbeddedOverSqlite()
    {
        var import = Run($"import {SharedData.Path("niv2", "tasks")} {SharedData.Path("self_instruct", "user_oriented_instructions.jsonl")} --pool p --json");
        Assert.True(import.Code == 0, import.Stderr);
        var summary = JsonDocument.Parse(import.Stdout).RootElement;
        Assert.Equal(151 + 252, summary.GetProperty("added").GetInt32());

        var stats = JsonDocument.Parse(Run("stats --pool p --json").Stdout).RootElement;
        Assert.Equal(403, stats.GetProperty("tasks").GetInt32());
        Assert.Equal(252, stats.GetProperty("tasks_by_source").GetProperty("self-instruct").GetInt32());

        var list = Run("list --pool p --limit 5 --offset 0 --json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, list.Length);
        var show = Run("show task033_winogrande_answer_generation --pool p");
        Assert.Contains("You need to answer a given question containing a blank", show.Stdout);
        Assert.Equal(ExitCodes.InvalidInput, Run("show nope --pool p").Code);

        Assert.Equal(0, Run($"export --pool p --format niv2 --out {_dir}/niv2").Code);
        Assert.Equal(403, Directory.GetFiles(Path.Combine(_dir, "niv2")).Length);
        Assert.Equal(0, Run($"export --pool p --format alpaca --out {_dir}/all.jsonl").Code);
        var reimport = Run($"import {_dir}/all.jsonl --pool copy --json");
        Assert.Equal(403, JsonDocument.Parse(reimport.Stdout).RootElement.GetProperty("added").GetInt32());
    }

    [Fact]
    public void Import_BadFileImportsNothingAndNamesTheField()
    {
        File.WriteAllText(Path.Combine(_dir, "good.jsonl"), "{\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"}\n");
        File.WriteAllText(Path.Combine(_dir, "bad.jsonl"), "{\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"}\n{\"instruction\": \"Sub\", \"output\": [1]}\n");
        var result = Run($"import {_dir}/good.jsonl {_dir}/bad.jsonl --pool p");
        Assert.Equal(ExitCodes.InvalidInput, result.Code);
        Assert.Contains("bad.jsonl:line 2.output: expected a string, found a list", result.Stderr);
        Assert.Contains("nothing was imported", result.Stderr);
        Assert.Equal(0, JsonDocument.Parse(Run("stats --pool p --json").Stdout).RootElement.GetProperty("tasks").GetInt32());
    }

    [Fact]
    public void Generate_AddsOneTaskPerRule_Reproducibly()
    {
        var first = Run("generate --pool r --rules 30 --instances 5 --seed 4 --json");
        Assert.True(first.Code == 0, first.Stderr);
        Assert.Equal(30, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("added").GetInt32());
        var again = JsonDocument.Parse(Run("generate --pool r --rules 30 --instances 5 --seed 4 --json").Stdout).RootElement;
        Assert.Equal(30, again.GetProperty("unchanged").GetInt32());
        var stats = JsonDocument.Parse(Run("stats --pool r --json").Stdout).RootElement;
        Assert.Equal(150, stats.GetProperty("instances").GetInt32());
        Assert.Equal(30, stats.GetProperty("tasks_by_format").GetProperty("StringRewrite").GetInt32());
    }

    [Fact]
    public void Generate_Families_RecordsGroundTruthPerTask_AndHoldsFamiliesOut()
    {
        var added = Run("generate --pool f --kind families --tasks 40 --instances 4 --ambiguous-share 0.25 --noisy-share 0.25 --families copy,reverse,contains --json");
        Assert.True(added.Code == 0, added.Stderr);
        Assert.Equal(40, JsonDocument.Parse(added.Stdout).RootElement.GetProperty("added").GetInt32());
        Assert.Equal(0, Run($"export --pool f --format niv2 --out {_dir}/families").Code);
        var files = Directory.GetFiles(Path.Combine(_dir, "families"));
        Assert.Equal(40, files.Length);
        var flags = files.Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("DefHasLabel").GetString()).ToArray();
        Assert.Equal(14, flags.Count(f => f == "ExactMentioned"));  // round(40 × 0.356) classification tasks name their labels
        var show = Run($"show {Path.GetFileNameWithoutExtension(files[0])} --pool f --json").Stdout;
        var metadata = JsonDocument.Parse(show).RootElement.GetProperty("metadata");
        Assert.Contains(metadata.GetProperty("family").GetString(), new[] { "copy", "reverse", "contains" });
        Assert.Contains(metadata.GetProperty("injected").GetString(), new[] { "none", "ambiguous", "noisy" });

        var bad = Run("generate --pool f --kind families --families copy,sideways");
        Assert.Equal(ExitCodes.InvalidInput, bad.Code);
        Assert.Contains("unknown task family 'sideways'", bad.Stderr);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ActiveIT.Tests.Scratch.Delete(_dir);
    }
}
