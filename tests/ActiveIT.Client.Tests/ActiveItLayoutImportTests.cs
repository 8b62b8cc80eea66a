using System.Text.Json;

namespace ActiveIT.Client.Tests;

/// <summary>`pool import` of Active-IT's published layout: task_metadata.json and split lists (a fixture written here).</summary>
public sealed class ActiveItLayoutImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-layout-").FullName;
    private readonly ActiveItLayout _layout;

    public ActiveItLayoutImportTests() => _layout = new ActiveItLayout(Path.Combine(_dir, "published"));

    private (int Code, string Stdout, string Stderr) Run(string args) => CliRunner.Run($"pool {args} --data-dir {_dir}/data");

    private JsonElement Show(string task, string pool) => JsonDocument.Parse(Run($"show {task} --pool {pool} --json").Stdout).RootElement;

    [Fact]
    public void PoolImport_WithMetadata_MergesTheLabelFlagAndMissingCategories_CountsTheTasks()
    {
        var plain = Run($"import {_layout.TasksDir} --pool plain");
        Assert.True(plain.Code == 0, plain.Stderr);
        Assert.False(Show(_layout.Classification[0], "plain").GetProperty("metadata").TryGetProperty("DefHasLabel", out _));

        var import = Run($"import {_layout.TasksDir} --metadata {_layout.Metadata} --pool niv2");
        Assert.True(import.Code == 0, import.Stderr);
        // 14 task entries match; the entry for a task not imported is ignored.
        Assert.Contains($"metadata: 14 of 14 tasks given DefHasLabel/Categories from {_layout.Metadata}", import.Stdout);
        var classification = Show(_layout.Classification[1], "niv2").GetProperty("metadata");
        Assert.Equal("ExactMentioned", classification.GetProperty("DefHasLabel").GetString());
        Assert.Equal("train", classification.GetProperty("Split").GetString());
        Assert.Equal("CLS", classification.GetProperty("CLS_GEN").GetString());
        Assert.Equal("NotMentioned", Show(_layout.Names[2], "niv2").GetProperty("metadata").GetProperty("DefHasLabel").GetString());
        // The task file without categories takes the metadata's; the others keep their own.
        Assert.Equal(["Text Completion"], Show(_layout.Names[1], "niv2").GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        var json = JsonDocument.Parse(Run($"import {_layout.TasksDir} --metadata {_layout.Metadata} --pool niv2 --json").Stdout).RootElement;
        Assert.Equal(14, json.GetProperty("metadata_tasks").GetInt32());
        Assert.Equal(14, json.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public void PoolImport_MalformedMetadata_NamesTheFileAndJsonPath_ImportsNothing()
    {
        var metadata = Path.Combine(_dir, "task_metadata.json");
        File.WriteAllText(metadata, "{\"task100_tiny_contains_0.json\": {\"DefHasLabel\": \"ExactMentioned\"},\n \"task101_tiny_rewrite_1.json\": {\"DefHasLabel\": 3}}");
        var flag = Run($"import {_layout.TasksDir} --metadata {metadata} --pool niv2");
        Assert.Equal(ExitCodes.InvalidInput, flag.Code);
        Assert.Contains($"{metadata}:$['task101_tiny_rewrite_1.json'].DefHasLabel: expected a string, found a number", flag.Stderr);
        Assert.Contains("nothing was imported", flag.Stderr);
        Assert.Equal(0, JsonDocument.Parse(Run("stats --pool niv2 --json").Stdout).RootElement.GetProperty("tasks").GetInt32());

        File.WriteAllText(metadata, "{\"task100_tiny_contains_0.json\": [\"ExactMentioned\"]}");
        Assert.Contains($"{metadata}:$['task100_tiny_contains_0.json']: expected an object, found a list", Run($"import {_layout.TasksDir} --metadata {metadata} --pool niv2").Stderr);
        File.WriteAllText(metadata, "{\"task100_tiny_contains_0.json\": {\"Categories\": \"Text Categorization\"}}");
        Assert.Contains($"{metadata}:$['task100_tiny_contains_0.json'].Categories: expected a list, found a string",
            Run($"import {_layout.TasksDir} --metadata {metadata} --pool niv2").Stderr);
        File.WriteAllText(metadata, "{\"task100_tiny_contains_0.json\": {}, ");
        Assert.Contains($"{metadata}:line 1, column", Run($"import {_layout.TasksDir} --metadata {metadata} --pool niv2").Stderr);
    }

    [Fact]
    public void PoolImport_SplitFile_ImportsExactlyTheNamedTasks_AndAMissingOneNamesItsLine()
    {
        var train = Run($"import --tasks-dir {_layout.TasksDir} --split-file {_layout.Split("remain_tasks.txt")} --metadata {_layout.Metadata} --pool pool --json");
        Assert.True(train.Code == 0, train.Stderr);
        var summary = JsonDocument.Parse(train.Stdout).RootElement;
        Assert.Equal(7, summary.GetProperty("added").GetInt32());
        Assert.Equal(7, summary.GetProperty("metadata_tasks").GetInt32());
        var listed = Run("list --pool pool --json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("task_id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(_layout.Lines("remain_tasks.txt").Order(StringComparer.Ordinal), listed);

        var split = Path.Combine(_dir, "dev_tasks.txt");
        File.WriteAllText(split, $"{_layout.Names[3]}\n\n{_layout.Names[3][..^2]}_missing\n");
        var missing = Run($"import --tasks-dir {_layout.TasksDir} --split-file {split} --pool other");
        Assert.Equal(ExitCodes.InvalidInput, missing.Code);
        Assert.Contains($"{split}:line 3: task '{_layout.Names[3][..^2]}_missing' has no file {Path.Combine(_layout.TasksDir, _layout.Names[3][..^2] + "_missing.json")}", missing.Stderr);
        File.WriteAllText(split, $"{_layout.Names[3]}\n{_layout.Names[3]}\n");
        Assert.Contains($"{split}:line 2: task '{_layout.Names[3]}' is listed again (first on line 1)", Run($"import --tasks-dir {_layout.TasksDir} --split-file {split} --pool other").Stderr);
        Assert.Contains("--split-file needs --tasks-dir", Run($"import --split-file {split} --pool other").Stderr);
        Assert.Equal(0, JsonDocument.Parse(Run("stats --pool other --json").Stdout).RootElement.GetProperty("tasks").GetInt32());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ActiveIT.Tests.Scratch.Delete(_dir);
    }
}
