using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Families;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Access;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Tests;

/// <summary>
/// The terms of a pool write on real grains and SQLite: expected versions (412's cause), idempotency keys whose first
/// outcome survives a restart, owners and editors, and deleting a pool (refused while an experiment reads it).
/// </summary>
public sealed class PoolWriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-pool-writes-").FullName;

    private static IReadOnlyList<InstructionTask> RewriteTasks(int count, ulong seed) =>
        RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), count, 3, seed);

    private static PoolWrite As(string user, Role role, long? ifVersion = null, string? key = null) => new(user, role, ifVersion, key);

    [Fact]
    public async Task ConditionalWrites_ApplyOnlyAtTheirVersion_AndOfTwoAtOnceExactlyOneWins()
    {
        await using var host = await TestSilos.SqliteAsync(_dir);
        var pools = new PoolService(host.Grains);
        var tasks = RewriteTasks(4, 1);
        var v4 = (await pools.ImportAsync("p", tasks, "seed")).PoolVersion;

        var stale = await Assert.ThrowsAsync<PoolVersionConflictException>(() => pools.ImportAsync("p", [tasks[0] with { Definition = "late" }], "edit",
            write: new PoolWrite(IfVersion: v4 - 1)));
        Assert.Equal((v4 - 1, v4), (stale.Expected, stale.Current));
        Assert.Equal(tasks[0].Definition, (await pools.GetTaskAsync("p", tasks[0].Id))!.Definition);  // nothing applied
        await Assert.ThrowsAsync<PoolVersionConflictException>(() => pools.RemoveAsync("p", [tasks[1].Id], "stale", new PoolWrite(IfVersion: 1)));

        // Two editors change the same task from the same version at once.
        var edits = new[] { "first editor's definition", "second editor's definition" };
        var outcomes = await Task.WhenAll(edits.Select(async d =>
        {
            try
            {
                return (d, (await pools.ImportAsync("p", [tasks[0] with { Definition = d }], "edit", write: new PoolWrite(IfVersion: v4))).PoolVersion);
            }
            catch (PoolVersionConflictException e)
            {
                Assert.Equal(v4 + 1, e.Current);
                return (d, -1L);
            }
        }));
        var winner = Assert.Single(outcomes, o => o.Item2 > 0);
        Assert.Equal(v4 + 1, winner.Item2);
        Assert.Equal(winner.d, (await pools.GetTaskAsync("p", tasks[0].Id))!.Definition);
        Assert.Equal(v4 + 1, (await pools.GetStatsAsync("p")).Version);
    }

    [Fact]
    public async Task AKeyedRetry_GetsTheFirstOutcome_AfterARestartAndWhenThePoolMovedOn()
    {
        var tasks = RewriteTasks(6, 2).ToArray();
        ImportSummary first;
        PoolVersion? removal;
        await using (var host = await TestSilos.SqliteAsync(_dir))
        {
            var pools = new PoolService(host.Grains);
            first = await pools.ImportAsync("p", tasks[..3], "seed", write: As("alice", Role.Researcher, ifVersion: 0, key: "k1"));
            removal = await pools.RemoveAsync("p", [tasks[0].Id], "dup", As("alice", Role.Researcher, key: "k2"));
            await pools.ImportAsync("p", tasks[3..], "more", write: As("alice", Role.Researcher));
        }
        await using (var host = await TestSilos.SqliteAsync(_dir))
        {
            var pools = new PoolService(host.Grains);
            // The pool is at version 7 now; the retries name version 0 and a removed task, yet get what happened then.
            Assert.Equal(first, await pools.ImportAsync("p", tasks[..3], "seed", write: As("alice", Role.Researcher, ifVersion: 0, key: "k1")));
            Assert.Equal(removal, await pools.RemoveAsync("p", [tasks[0].Id], "dup", As("alice", Role.Researcher, key: "k2")));
            Assert.Equal(7L, (await pools.GetStatsAsync("p")).Version);
            Assert.Equal(5, (await pools.GetStatsAsync("p")).Tasks);

            // Another request under a used key is refused; the same key from another user is another key.
            var reused = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
                pools.ImportAsync("p", tasks[..2], "seed", write: As("alice", Role.Researcher, ifVersion: 0, key: "k1")));
            Assert.Contains("'k1' was already used for another request", reused.Message);
            await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => pools.RemoveAsync("p", [tasks[0].Id], "dup", As("alice", Role.Researcher, key: "k1")));
            await Assert.ThrowsAsync<PoolAccessException>(() => pools.ImportAsync("p", tasks[..3], "seed", write: As("bob", Role.Researcher, key: "k1")));
            Assert.Equal(8L, (await pools.ImportAsync("p", [tasks[0]], "back", write: As("admin", Role.Admin, key: "k1"))).PoolVersion);

            // A keyed write that changed nothing keeps its outcome too.
            var none = await pools.RemoveAsync("p", ["absent"], "nothing", As("alice", Role.Researcher, key: "k3"));
            Assert.Null(none);
            Assert.Null(await pools.RemoveAsync("p", ["absent"], "nothing", As("alice", Role.Researcher, key: "k3")));
        }
    }

    [Fact]
    public async Task APool_IsWrittenByItsOwnerEditorsAndAdmins_ReadByAll()
    {
        await using var host = await TestSilos.SqliteAsync(_dir);
        var pools = new PoolService(host.Grains);
        var tasks = RewriteTasks(4, 3).ToArray();
        await pools.ImportAsync("mine", tasks[..2], "seed", write: As("alice", Role.Researcher));
        Assert.Equal(("alice", ""), Seen(await pools.GetAccessAsync("mine")));

        var refused = await Assert.ThrowsAsync<PoolAccessException>(() => pools.ImportAsync("mine", tasks[2..], "x", write: As("bob", Role.Researcher)));
        Assert.Contains("bob may not write pool 'mine': it belongs to alice", refused.Message);
        await Assert.ThrowsAsync<PoolAccessException>(() => pools.RemoveAsync("mine", [tasks[0].Id], "x", As("bob", Role.Researcher)));
        await Assert.ThrowsAsync<PoolAccessException>(() => pools.ImportAsync("mine", tasks[2..], "x", write: As("rita", Role.Reader)));
        await Assert.ThrowsAsync<PoolAccessException>(() => pools.SetAccessAsync("mine", null, ["bob"], As("bob", Role.Researcher)));
        Assert.Equal(2, (await pools.GetStatsAsync("mine")).Tasks);

        Assert.Equal(("alice", "bob"), Seen(await pools.SetAccessAsync("mine", null, ["bob", "bob"], As("alice", Role.Researcher))));
        Assert.Equal(3, (await pools.ImportAsync("mine", [tasks[2]], "x", write: As("bob", Role.Researcher))).PoolTasks);
        Assert.Equal(4, (await pools.ImportAsync("mine", [tasks[3]], "x", write: As("root", Role.Admin))).PoolTasks);
        await Assert.ThrowsAsync<PoolAccessException>(() => pools.SetAccessAsync("mine", "bob", [], As("bob", Role.Researcher)));  // editors do not hand it on
        Assert.Equal(("carol", ""), Seen(await pools.SetAccessAsync("mine", "carol", [], As("alice", Role.Researcher))));
        await Assert.ThrowsAsync<PoolAccessException>(() => pools.RemoveAsync("mine", [tasks[0].Id], "x", As("alice", Role.Researcher)));

        // A pool made in-process has no owner: every researcher writes it, only an admin gives it one.
        await pools.ImportAsync("shared", tasks, "local");
        Assert.Null((await pools.GetAccessAsync("shared")).Owner);
        await pools.RemoveAsync("shared", [tasks[0].Id], "x", As("bob", Role.Researcher));
        Assert.Contains("it has no owner, so only an admin may give it one",
            (await Assert.ThrowsAsync<PoolAccessException>(() => pools.SetAccessAsync("shared", "bob", [], As("bob", Role.Researcher)))).Message);
        Assert.Equal("dana", (await pools.SetAccessAsync("shared", "dana", [], As("root", Role.Admin))).Owner);
        await Assert.ThrowsAsync<PoolAccessException>(() => pools.RemoveAsync("shared", [tasks[1].Id], "x", As("bob", Role.Researcher)));
    }

    [Fact]
    public async Task DeletingAPool_IsRefusedWhileAnExperimentReadsIt_ThenForgetsItsVersionsAndOwner()
    {
        await using var host = await TestSilos.SqliteAsync(_dir);
        var pools = new PoolService(host.Grains);
        var experiments = new ExperimentService(host.Grains, Path.Combine(_dir, "experiments"));
        await pools.ImportAsync("fam", FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 8, InstancesPerTask: 4, Families: ["copy", "reverse"]), seed: 1), "seed",
            write: As("alice", Role.Researcher));
        await pools.ImportAsync("other", RewriteTasks(2, 4), "seed");
        await experiments.CreateAsync(new ExperimentConfig
        {
            Name = "reads-fam", Pool = "fam", InitialTasks = 2, TasksPerRound = 1, Rounds = 1, InstancesPerTask = 2,
            Evaluation = new() { Tasks = 2, InstancesPerTask = 2, MaxNewTokens = 4 }, Model = new() { Layers = 1, Heads = 2, DModel = 16, Context = 96 },
        });

        var pinned = await Assert.ThrowsAsync<PoolPinnedException>(() => pools.DeleteAsync("fam"));
        Assert.Equal(["reads-fam"], pinned.Runs);
        Assert.Equal(8, (await pools.GetStatsAsync("fam")).Tasks);

        Assert.True(await experiments.DeleteAsync("reads-fam"));
        Assert.True(await pools.DeleteAsync("fam"));
        Assert.False(await pools.DeleteAsync("fam"));
        Assert.Equal((0L, 0), ((await pools.GetStatsAsync("fam")).Version, (await pools.GetStatsAsync("fam")).Tasks));
        Assert.Empty(await pools.GetHistoryAsync("fam"));
        Assert.Empty(await pools.ListAsync("fam", 0, 100, version: 0));
        Assert.Equal(["other"], (await host.Grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListAsync()).Select(p => p.Pool));
        // The name is free again: whoever writes it first owns the new pool.
        await pools.ImportAsync("fam", RewriteTasks(1, 5), "again", write: As("bob", Role.Researcher));
        Assert.Equal(("bob", 1L), ((await pools.GetAccessAsync("fam")).Owner, (await pools.GetStatsAsync("fam")).Version));
    }

    private static (string? Owner, string Editors) Seen(PoolAccess access) => (access.Owner, string.Join(",", access.Editors));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
