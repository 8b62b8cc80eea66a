using System.Globalization;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Import;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Tests;

public sealed class PoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-pool-").FullName;

    private async Task<(EmbeddedSilo Host, PoolService Pools, InstrumentedStorage Storage)> OpenAsync()
    {
        var storage = new InstrumentedStorage();
        var silo = await TestSilos.SqliteAsync(_dir, storage.InstallIn);
        return (silo, new PoolService(silo.Grains), storage);
    }

    private static IReadOnlyList<InstructionTask> RewriteTasks(int count, ulong seed) =>
        RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), count, 3, seed);

    [Fact]
    public async Task ImportSharedData_CountsMatchManifestAndFiles()
    {
        var (host, pools, _) = await OpenAsync();
        await using var _ = host;
        var niv2 = TaskFileReader.Read(SharedData.Path("niv2", "tasks"));
        var summary = await pools.ImportAsync("shared", niv2, "test");
        Assert.Equal(151, summary.Added);
        var seed = TaskFileReader.Read(SharedData.Path("self_instruct", "seed_tasks.jsonl"));
        var user = TaskFileReader.Read(SharedData.Path("self_instruct", "user_oriented_instructions.jsonl"));
        await pools.ImportAsync("shared", [.. seed, .. user], "test");

        var manifest = File.ReadAllLines(SharedData.Path("niv2", "manifest.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        var stats = await pools.GetStatsAsync("shared");
        Assert.Equal(151 + 175 + 252, stats.Tasks);
        Assert.Equal(151, stats.TasksBySource["niv2"]);
        Assert.Equal(427, stats.TasksBySource["self-instruct"]);
        Assert.Equal(manifest.Sum(r => long.Parse(r[2], CultureInfo.InvariantCulture)) + seed.Sum(t => t.Instances.Count) + user.Sum(t => t.Instances.Count), stats.Instances);
        foreach (var category in manifest.GroupBy(r => r[1]))
        {
            Assert.True(stats.TasksByCategory[category.Key] >= category.Count(), category.Key);
        }

        var flanMetadata = TaskFileReader.Read(SharedData.Path("flan", "niv2_task_metadata_from_flan_v2.json"));
        Assert.Equal(1654, flanMetadata.Count);
        Assert.All(flanMetadata, t => Assert.Single(t.PositiveExamples));
        Assert.Contains(flanMetadata, t => t.Id == "task001_quoref_question_generation");
        var metadataPool = await pools.ImportAsync("flan-metadata", flanMetadata, "test");
        Assert.Equal(1654, metadataPool.PoolTasks);

        var again = await pools.ImportAsync("shared", niv2, "test");
        Assert.Equal((0, 0, 151), (again.Added, again.Updated, again.Unchanged));
        Assert.Equal(stats.Version, again.PoolVersion);
    }

    [Fact]
    public async Task BrokenFileInFolder_ImportsNothing()
    {
        var (host, pools, _) = await OpenAsync();
        await using var _ = host;
        await pools.ImportAsync("p", RewriteTasks(5, 1), "seed");
        var before = await pools.GetStatsAsync("p");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "mixed")).FullName;
        File.Copy(Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().First(), Path.Combine(folder, "task001_good.json"));
        File.WriteAllText(Path.Combine(folder, "task002_bad.json"), "{\"Definition\": [\"d\"], \"Instances\": [{\"id\": 1}]}");

        var e = Assert.Throws<TaskFormatException>(() => TaskFileReader.Read(folder));
        Assert.Equal("task002_bad.json", Path.GetFileName(e.File));
        Assert.Equal("$.Instances[0].id", e.Location);
        var after = await pools.GetStatsAsync("p");
        Assert.Equal((before.Version, before.Tasks, before.Instances), (after.Version, after.Tasks, after.Instances));
    }

    [Fact]
    public async Task IncrementalAdd_TouchesOnlyTheNewTasks()
    {
        var (host, pools, storage) = await OpenAsync();
        await using var _ = host;
        await pools.ImportAsync("big", RewriteTasks(2000, 1), "bulk");
        storage.WritesByState.Clear();
        var summary = await pools.ImportAsync("big", RewriteTasks(10, 2), "ten more");
        Assert.Equal((10, 2010), (summary.Added, summary.PoolTasks));
        // 10 task grains, the pool's small state twice (the commit, then clearing its pending change) and at most 10 membership pages.
        Assert.Equal(10, storage.WritesByState["task"]);
        Assert.Equal(2, storage.WritesByState["pool"]);
        Assert.InRange(storage.WritesByState["page"], 1, 10);
    }

    [Fact]
    public async Task UpdatedTask_IsNewVersion_WithChangeLog()
    {
        var (host, pools, _) = await OpenAsync();
        await using var _ = host;
        var tasks = RewriteTasks(3, 4);
        await pools.ImportAsync("p", tasks, "first");
        var changed = tasks[1] with { Definition = tasks[1].Definition + " Be exact." };
        var summary = await pools.ImportAsync("p", [tasks[0], changed], "second");
        Assert.Equal((0, 1, 1), (summary.Added, summary.Updated, summary.Unchanged));
        Assert.Equal(changed.Definition, (await pools.GetTaskAsync("p", changed.Id))!.Definition);
        var log = await host.Grains.GetGrain<ITaskPoolGrain>("p").GetChangesAsync(0);
        Assert.Equal([PoolChangeKind.Added, PoolChangeKind.Added, PoolChangeKind.Added, PoolChangeKind.Updated], log.Select(c => c.Kind));
        Assert.Equal("second", log[^1].Origin);
        Assert.Single(await host.Grains.GetGrain<ITaskPoolGrain>("p").GetChangesAsync(3));
    }

    [Fact]
    public async Task Export_ReturnsTheImportedContent()
    {
        var (host, pools, _) = await OpenAsync();
        await using var _ = host;
        var tasks = TaskFileReader.Read(SharedData.Path("niv2", "tasks")).Take(20).ToArray();
        await pools.ImportAsync("p", tasks, "x");
        var exported = new List<InstructionTask>();
        await foreach (var t in (await pools.ExportAsync("p")).Tasks)
        {
            exported.Add(t);
        }
        Assert.Equal(tasks.Select(t => t.ContentHash()).Order(), exported.Select(t => t.ContentHash()).Order());
    }

    [Fact]
    public async Task CrashDuringImport_LeavesPoolAsBefore_RetrySucceeds()
    {
        var (host, pools, storage) = await OpenAsync();
        await using (host)
        {
            await pools.ImportAsync("p", RewriteTasks(50, 1), "before");
            storage.FailAfterWrites = storage.Writes + 20;  // die 20 task writes into the next import, before its commit
            // Orleans reports a provider's failure as an OrleansException around it.
            var crash = await Assert.ThrowsAsync<Orleans.Runtime.OrleansException>(() => pools.ImportAsync("p", RewriteTasks(40, 2), "crashes"));
            Assert.IsType<IOException>(crash.InnerException);
        }
        var (restarted, pools2, _) = await OpenAsync();
        await using var __ = restarted;
        var stats = await pools2.GetStatsAsync("p");
        Assert.Equal(50, stats.Tasks);
        Assert.Equal(50, stats.Version);
        var retry = await pools2.ImportAsync("p", RewriteTasks(40, 2), "retry");
        Assert.Equal((40, 90), (retry.Added, retry.PoolTasks));
    }

    [Fact]
    public async Task CrashAfterCommit_BeforeThePagesAreWritten_IsCompletedWhenThePoolActivatesAgain()
    {
        var (host, pools, storage) = await OpenAsync();
        var tasks = RewriteTasks(40, 3);
        await using (host)
        {
            await pools.ImportAsync("p", RewriteTasks(10, 1), "before");
            storage.FailAfterWrites = storage.Writes + 40 + 1;  // the 40 tasks and the pool's commit succeed; the pages fail
            var crash = await Assert.ThrowsAsync<Orleans.Runtime.OrleansException>(() => pools.ImportAsync("p", tasks, "crashes"));
            Assert.IsType<IOException>(crash.InnerException);
        }
        var (restarted, pools2, _) = await OpenAsync();
        await using var __ = restarted;
        Assert.Equal(50, (await pools2.GetStatsAsync("p")).Tasks);
        var members = await restarted.Grains.GetGrain<ITaskPoolGrain>("p").ListAllAsync();
        Assert.Equal(50, members.Count);
        Assert.All(tasks, t => Assert.Contains(members, m => m.TaskId == t.Id && m.ContentHash == t.ContentHash()));
    }

    [Fact]
    public async Task StorageFailures_InALiveSilo_NeitherLoseNorHalfApplyAnImport()
    {
        var (host, pools, storage) = await OpenAsync();
        await using var _ = host;
        await pools.ImportAsync("p", RewriteTasks(10, 1), "before");
        var tasks = RewriteTasks(40, 3);

        // Task writes fail midway: the retry in the same silo must store every task (none is taken as stored already).
        storage.FailAfterWrites = storage.Writes + 20;
        await Assert.ThrowsAsync<Orleans.Runtime.OrleansException>(() => pools.ImportAsync("p", tasks, "fails"));
        storage.FailAfterWrites = null;
        await pools.ImportAsync("p", tasks, "retry");
        var exported = new List<InstructionTask>();
        await foreach (var t in (await pools.ExportAsync("p")).Tasks)
        {
            exported.Add(t);
        }
        Assert.Equal(50, exported.Count);

        // The pages fail after the commit: the next read in the same silo finishes the committed change first.
        var more = RewriteTasks(5, 4);
        storage.FailAfterWrites = storage.Writes + 5 + 1;
        await Assert.ThrowsAsync<Orleans.Runtime.OrleansException>(() => pools.ImportAsync("p", more, "pages fail"));
        storage.FailAfterWrites = null;
        var members = await host.Grains.GetGrain<ITaskPoolGrain>("p").ListAllAsync();
        Assert.Equal(55, members.Count);
        Assert.Equal(55, (await pools.GetStatsAsync("p")).Tasks);
        var again = await pools.ImportAsync("p", more, "again");
        Assert.Equal((0, 5), (again.Added, again.Unchanged));
    }

    [Fact]
    public async Task InvalidPoolNameAndDuplicateIds_AreRejected()
    {
        var (host, pools, _) = await OpenAsync();
        await using var _ = host;
        await Assert.ThrowsAsync<ArgumentException>(() => pools.ImportAsync("no spaces", RewriteTasks(1, 1), "x"));
        var task = RewriteTasks(1, 1)[0];
        var e = await Assert.ThrowsAsync<ArgumentException>(() => pools.ImportAsync("p", [task, task with { Definition = "other" }], "x"));
        Assert.Contains("appears 2 times", e.Message);
        Assert.Equal(0, (await pools.GetStatsAsync("p")).Tasks);
    }

    [Fact]
    public async Task ScoreCache_IsPerModelVersionAndScorerConfig_AndSurvivesReactivation()
    {
        var task = RewriteTasks(1, 9)[0];
        var v1 = new ScoreKey("gptj-small", "v1", "pu:n=10,k=10,p=0.2");
        await using (var host = (await OpenAsync()).Host)
        {
            var grain = host.Grains.GetGrain<ITaskGrain>(task.ContentHash());
            await grain.StoreAsync(task);
            await grain.PutScoreAsync(v1, new TaskScore(new Dictionary<string, double> { ["pu"] = 0.25 }, DateTimeOffset.UnixEpoch));
            Assert.Null(await grain.GetScoreAsync(v1 with { ModelVersion = "v2" }));
            Assert.Null(await grain.GetScoreAsync(v1 with { ScorerConfig = "pu:n=10,k=10,p=0.3" }));
            await Assert.ThrowsAsync<ArgumentException>(() => host.Grains.GetGrain<ITaskGrain>("not-its-hash").StoreAsync(task));
        }
        await using var restarted = (await OpenAsync()).Host;
        var score = await restarted.Grains.GetGrain<ITaskGrain>(task.ContentHash()).GetScoreAsync(v1);
        Assert.Equal(0.25, score!.Values["pu"]);
    }

    [Fact]
    public async Task Remove_DropsMembersAndLogsIt()
    {
        var (host, pools, _) = await OpenAsync();
        await using var _ = host;
        var tasks = RewriteTasks(4, 5);
        await pools.ImportAsync("p", tasks, "add");
        var pool = host.Grains.GetGrain<ITaskPoolGrain>("p");
        Assert.Equal(2, (await pool.RemoveAsync([tasks[0].Id, tasks[1].Id, "absent"], new ChangeNote("cleanup", "alice", "duplicates")))!.Removed);
        Assert.Equal(2, (await pools.GetStatsAsync("p")).Tasks);
        Assert.Null(await pools.GetTaskAsync("p", tasks[0].Id));
        var last = (await pool.GetChangesAsync(4)).Select(c => (c.Kind, c.TaskId)).ToArray();
        Assert.Equal([(PoolChangeKind.Removed, tasks[0].Id), (PoolChangeKind.Removed, tasks[1].Id)], last);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
