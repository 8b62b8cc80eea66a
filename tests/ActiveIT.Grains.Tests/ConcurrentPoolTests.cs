using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;

namespace ActiveIT.Grains.Tests;

/// <summary>Two silos of one cluster (shared membership) importing into one pool at once, on each shared storage.</summary>
public abstract class ConcurrentPoolTests
{
    protected abstract Task<SiloStorage> StorageAsync();

    [Fact]
    public async Task TwoSilosOfOneCluster_AddingOverlappingTasksConcurrently_LoseNothing()
    {
        var storage = await StorageAsync();
        var cluster = "c" + Guid.NewGuid().ToString("N")[..8];
        await using var siloA = await EmbeddedSilo.StartAsync(storage, null, cluster);
        await using var siloB = await EmbeddedSilo.StartAsync(storage, null, cluster);
        var all = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), 150, 2, seed: 7);
        var pool = "shared-" + cluster;

        // Two silos of one cluster, one pool grain between them: batches of 10, overlapping on tasks 50–99.
        var a = Task.Run(async () =>
        {
            foreach (var chunk in all.Take(100).Chunk(10))
            {
                await new PoolService(siloA.Grains).ImportAsync(pool, chunk, "researcher-a");
            }
        });
        var b = Task.Run(async () =>
        {
            foreach (var chunk in all.Skip(50).Chunk(10))
            {
                await new PoolService(siloB.Grains).ImportAsync(pool, chunk, "researcher-b");
            }
        });
        await Task.WhenAll(a, b);

        await using var reader = await EmbeddedSilo.StartAsync(storage, null, cluster);
        var members = await reader.Grains.GetGrain<ITaskPoolGrain>(pool).ListAsync(0, 1000);
        Assert.Equal(all.Select(t => t.Id).Order(StringComparer.Ordinal), members.Select(m => m.TaskId));
        Assert.All(members, m => Assert.Equal(all.Single(t => t.Id == m.TaskId).ContentHash(), m.ContentHash));
        var stats = await reader.Grains.GetGrain<ITaskPoolGrain>(pool).GetStatsAsync();
        Assert.Equal(150, stats.Version);  // every task added exactly once: the overlap was unchanged, not re-added
    }
}

[Collection(nameof(PostgresCollection))]
public sealed class PostgresConcurrentPoolTests(PostgresFixture postgres) : ConcurrentPoolTests
{
    protected override async Task<SiloStorage> StorageAsync() => SiloStorage.Postgres(await postgres.CreateDatabaseAsync());
}

/// <summary>Azure Table clustering and blob storage on Azurite: the cloud deployment's providers.</summary>
[Collection(nameof(AzuriteCollection))]
public sealed class AzureConcurrentPoolTests(AzuriteFixture azurite) : ConcurrentPoolTests
{
    protected override Task<SiloStorage> StorageAsync() => Task.FromResult(SiloStorage.Azure(azurite.ConnectionString));
}
