using ActiveIT.Grains.Runs;
using System.Text.Json;
using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace ActiveIT.Grains.Tests;

/// <summary>A database written by the pre-Orleans host (its grain_state table, JSON per grain) opens with everything in it.</summary>
public sealed class LegacyStateImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-legacy-").FullName;

    [Fact]
    public async Task OldGrainStateTable_IsImportedOnce_TasksScoresPoolsAndExperiments()
    {
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 2, 3, seed: 8);
        var key = new ScoreKey("tiny", "0123456789abcdef", "pu:n=2,k=2,p=0.2,seed=0,max_new=8");
        var score = new TaskScore(new Dictionary<string, double> { ["prompt_uncertainty"] = 0.25 }, DateTimeOffset.UnixEpoch);
        var config = CurriculumTests.Config("old");
        var round = new RoundRecord(0, new SelectionRecord("initial", [new SelectedTask(tasks[0].Id, false)], 1, 2, 0, 0, null, 0));
        var experiment = new Experiment(config, RunStatus.Paused, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            [new SeedRun(1, "rewrite", [tasks[1].Id], [round])], null, null, [], null);

        // The rows as the old host's storage wrote them: JSON with ASP.NET's web defaults (camelCase, enums as numbers).
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var database = Path.Combine(_dir, "activeit.db");
        await using (var connection = new SqliteConnection($"Data Source={database}"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE grain_state (state_type TEXT NOT NULL, grain_key TEXT NOT NULL, etag TEXT NOT NULL, data TEXT NOT NULL, " +
                                 "PRIMARY KEY (state_type, grain_key)) WITHOUT ROWID;";
            await create.ExecuteNonQueryAsync();
            async Task RowAsync(string type, string grainKey, string json)
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO grain_state VALUES ($t, $k, 'e1', $d)";
                insert.Parameters.AddWithValue("$t", type);
                insert.Parameters.AddWithValue("$k", grainKey);
                insert.Parameters.AddWithValue("$d", json);
                await insert.ExecuteNonQueryAsync();
            }
            foreach (var task in tasks)
            {
                await RowAsync("task", task.ContentHash(), JsonSerializer.Serialize(new { task, scores = new Dictionary<string, TaskScore> { [key.ToString()] = score } }, web));
            }
            await RowAsync("pool", "rewrite", JsonSerializer.Serialize(new { version = 2, members = tasks.ToDictionary(t => t.Id, PoolMember.Of), log = Array.Empty<object>() }, web));
            await RowAsync("curriculum", "old", JsonSerializer.Serialize(new { experiment }, web));
            await RowAsync("experiments", ExperimentService.RegistryKey, """{"names":["old"]}""");
        }

        await using (var silo = await TestSilos.SqliteAsync(_dir))
        {
            var pools = new PoolService(silo.Grains);
            var stats = await pools.GetStatsAsync("rewrite");
            Assert.Equal(2, stats.Tasks);
            Assert.Equal(tasks[1].ContentHash(), (await pools.GetTaskAsync("rewrite", tasks[1].Id))!.ContentHash());
            Assert.Equal(0.25, (await silo.Grains.GetGrain<ITaskGrain>(tasks[0].ContentHash()).GetScoreAsync(key))!.Values["prompt_uncertainty"]);
            var experiments = new ExperimentService(silo.Grains, Path.Combine(_dir, "experiments"));
            var restored = Assert.Single(await experiments.ListAsync());
            Assert.Equal((RunStatus.Paused, tasks[0].Id), (restored.Status, restored.Runs.Single().Rounds.Single().Selection.Selected.Single().TaskId));
            Assert.Equal(JsonSerializer.Serialize(config, web), JsonSerializer.Serialize(restored.Config, web));
        }
        await using (var again = await TestSilos.SqliteAsync(_dir))
        {
            Assert.Equal(0, await LegacyStateImport.RunAsync(again.Grains, SiloStorage.Sqlite(database)));  // done once: the marker says so
            Assert.Equal(2, (await new PoolService(again.Grains).GetStatsAsync("rewrite")).Version);
        }
    }

    [Fact]
    public void ScoreKeys_ParseBackFromTheirText()
    {
        var key = new ScoreKey("gptj-3l-4h-64d-256t", "0123456789abcdef", "pu:n=10,k=10,p=0.2,seed=0,max_new=64");
        Assert.Equal(key, LegacyStateImport.ParseScoreKey(key.ToString()));
        Assert.Throws<FormatException>(() => LegacyStateImport.ParseScoreKey("no-separators"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
