using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Persistence;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Tests;

[Collection(nameof(PostgresCollection))]
public sealed class ConcurrentPoolTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TwoHostsOnPostgres_AddingOverlappingTasksConcurrently_LoseNothing()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await using var storageA = await PostgresGrainStorage.OpenAsync(connection);
        await using var storageB = await PostgresGrainStorage.OpenAsync(connection);
        await using var hostA = new GrainHost(storageA).AddPoolGrains();
        await using var hostB = new GrainHost(storageB).AddPoolGrains();
        var all = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), 150, 2, seed: 7);

        // Two "silos" (own activations, one database): batches of 10, overlapping on tasks 50–99.
        var a = Task.Run(async () =>
        {
            foreach (var chunk in all.Take(100).Chunk(10))
            {
                await new PoolService(hostA).ImportAsync("shared", chunk, "researcher-a");
            }
        });
        var b = Task.Run(async () =>
        {
            foreach (var chunk in all.Skip(50).Chunk(10))
            {
                await new PoolService(hostB).ImportAsync("shared", chunk, "researcher-b");
            }
        });
        await Task.WhenAll(a, b);

        await using var storageC = await PostgresGrainStorage.OpenAsync(connection);
        await using var reader = new GrainHost(storageC).AddPoolGrains();
        var members = await reader.GetGrain<ITaskPoolGrain>("shared").ListAsync(0, 1000);
        Assert.Equal(all.Select(t => t.Id).Order(StringComparer.Ordinal), members.Select(m => m.TaskId));
        Assert.All(members, m => Assert.Equal(all.Single(t => t.Id == m.TaskId).ContentHash(), m.ContentHash));
    }
}
