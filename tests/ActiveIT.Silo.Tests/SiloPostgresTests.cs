using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Silo.Tests;

[Collection(nameof(PostgresCollection))]
public sealed class SiloPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TwoClientsThroughOneSilo_AddingOverlappingTasksConcurrently_LoseNothing()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await using var silo = await SiloServer.StartAsync("--ActiveIT:Storage=postgres", $"--ActiveIT:ConnectionString={connection}");
        var all = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), 200, 2, seed: 3);

        async Task ClientAsync(IEnumerable<ActiveIT.Core.Tasks.InstructionTask> tasks, string who)
        {
            using var http = new HttpClient { BaseAddress = silo.Client.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new("Bearer", SiloServer.Key);
            foreach (var chunk in tasks.Chunk(7))
            {
                (await http.PostAsJsonAsync($"v1/pools/shared/tasks?origin={who}", chunk, Json.Options)).EnsureSuccessStatusCode();
            }
        }
        await Task.WhenAll(ClientAsync(all.Take(120), "a"), ClientAsync(all.Skip(80), "b"));

        var stats = await silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/shared/stats");
        Assert.Equal(200, stats.GetProperty("tasks").GetInt32());
        var members = await silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/shared/tasks?limit=1000");
        Assert.Equal(all.Select(t => t.Id).Order(StringComparer.Ordinal), members.EnumerateArray().Select(m => m.GetProperty("task_id").GetString()));
    }
}
