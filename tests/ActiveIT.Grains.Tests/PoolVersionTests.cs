using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Tests;

/// <summary>Every version of a pool readable: listed, counted, exported and compared, with who changed what and why.</summary>
public sealed class PoolVersionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-pool-versions-").FullName;

    private static IReadOnlyList<InstructionTask> RewriteTasks(int count, ulong seed) =>
        RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), count, 3, seed);

    private async Task<(EmbeddedSilo Host, PoolService Pools)> OpenAsync()
    {
        var silo = await TestSilos.SqliteAsync(_dir);
        return (silo, new PoolService(silo.Grains));
    }

    [Fact]
    public async Task EachChange_IsAVersion_ReadableAsItWas_WithItsHistoryAndDiffs()
    {
        var (host, pools) = await OpenAsync();
        await using var _ = host;
        var first = RewriteTasks(5, 1);
        var v5 = (await pools.ImportAsync("p", first, "seed", write: new PoolWrite("alice"))).PoolVersion;
        var edited = first[0] with { Definition = first[0].Definition + " (edited)" };
        var more = RewriteTasks(7, 2).Where(t => first.All(f => f.Id != t.Id)).Take(2).ToArray();
        var v8 = (await pools.ImportAsync("p", [edited, .. more], "edit", write: new PoolWrite("bob"))).PoolVersion;
        var removed = await pools.RemoveAsync("p", [first[1].Id, first[2].Id, "absent"], "noisy labels", new PoolWrite("carol"));
        Assert.Equal((5L, 8L, 10L), (v5, v8, removed!.Version));

        var history = await pools.GetHistoryAsync("p");
        Assert.Equal([(5L, 0L, 5, 0, 0, 5, "seed", "alice", (string?)null), (8, 5, 2, 1, 0, 7, "edit", "bob", null), (10, 8, 0, 0, 2, 5, "remove", "carol", "noisy labels")],
            history.Select(h => (h.Version, h.FromVersion, h.Added, h.Updated, h.Removed, h.Tasks, h.Origin, h.Who, h.Reason)));

        // Version 5 reads as it was: the five first tasks, the edited one with its first content.
        Assert.Equal(first.Select(t => t.Id).Order(StringComparer.Ordinal), (await pools.ListAsync("p", 0, 100, version: 5)).Select(m => m.TaskId));
        Assert.Equal(first[0].Definition, (await pools.GetTaskAsync("p", first[0].Id, version: 5))!.Definition);
        Assert.Equal(edited.Definition, (await pools.GetTaskAsync("p", first[0].Id))!.Definition);
        Assert.NotNull(await pools.GetTaskAsync("p", first[1].Id, version: 8));
        Assert.Null(await pools.GetTaskAsync("p", first[1].Id));
        Assert.Equal((7, 8L), ((await pools.GetStatsAsync("p", version: 8)).Tasks, (await pools.GetStatsAsync("p", version: 8)).Version));
        Assert.Equal(5, (await pools.GetStatsAsync("p")).Tasks);
        Assert.Equal(0, (await pools.GetStatsAsync("p", version: 0)).Tasks);

        var diff = await pools.DiffAsync("p", 5, 10);
        Assert.Equal((2, 1, 2), (diff.Added, diff.Updated, diff.Removed));
        Assert.Equal(new PoolDiffEntry(first[0].Id, PoolChangeKind.Updated, first[0].ContentHash(), edited.ContentHash()), diff.Changes.Single(c => c.TaskId == first[0].Id));

        var export = await pools.ExportAsync("p", 5);
        Assert.Equal((5L, 5), (export.Version, export.Count));
        var exported = new List<InstructionTask>();
        await foreach (var t in export.Tasks)
        {
            exported.Add(t);
        }
        Assert.Equal(first.Select(t => t.ContentHash()).Order(), exported.Select(t => t.ContentHash()).Order());

        // Only the versions a change ended at are versions: the steps inside one are not.
        Assert.Contains("version 7 lies inside the change from 5 to 8; read 5 or 8", (await Assert.ThrowsAsync<ArgumentException>(() => pools.ListAsync("p", 0, 10, version: 7))).Message);
        Assert.Contains("has no version 11 (its head is 10)", (await Assert.ThrowsAsync<ArgumentException>(() => pools.GetStatsAsync("p", version: 11))).Message);
        Assert.Contains("reason: say why", (await Assert.ThrowsAsync<ArgumentException>(() => pools.RemoveAsync("p", [first[3].Id], " "))).Message);
        Assert.Null(await pools.RemoveAsync("p", ["absent"], "nothing there"));
    }

    [Fact]
    public async Task Export_ReadsTheVersionItOpenedAt_WhileImportsGoOn()
    {
        var (host, pools) = await OpenAsync();
        await using var _ = host;
        await pools.ImportAsync("big", RewriteTasks(1200, 3), "bulk");
        var export = await pools.ExportAsync("big");
        var ids = new List<string>();
        var batch = 0;
        await foreach (var task in export.Tasks)
        {
            ids.Add(task.Id);
            if (ids.Count % 300 == 1)
            {
                // New tasks that sort before and among the exported ones, and an update of one still to come.
                var added = RewriteTasks(20, 100 + (ulong)batch++).Select(t => t with { Id = $"{t.Id}-b{batch}" }).ToList();
                await pools.ImportAsync("big", added, "during the export");
            }
        }
        Assert.Equal(export.Count, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal((await pools.ListAsync("big", 0, 2000, version: export.Version)).Select(m => m.TaskId), ids);
        Assert.True((await pools.GetStatsAsync("big")).Tasks > export.Count);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
