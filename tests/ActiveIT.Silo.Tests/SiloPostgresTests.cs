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

    [Theory]
    [InlineData("", 30)]                           // the silo's own cap when the connection string names none
    [InlineData(";Maximum Pool Size=4", 4)]        // the operator's, when it does
    public async Task ALargeImport_WaitsForFreeConnections_NeverOpeningMoreThanThePoolAllows(string suffix, int cap)
    {
        var connection = await postgres.CreateDatabaseAsync();
        await using var silo = await SiloServer.StartAsync("--ActiveIT:Storage=postgres", $"--ActiveIT:ConnectionString={connection}{suffix}");
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), 1500, 2, seed: 4);

        // Watch the database's connections (other than the watcher's own) while one request imports 1,500 tasks,
        // which stores them through many grains at once: each grain would take a connection of its own if it could.
        using var watching = new CancellationTokenSource();
        var peak = 0L;
        var watcher = Task.Run(async () =>
        {
            await using var db = new Npgsql.NpgsqlConnection(connection);
            await db.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", db);
            while (!watching.IsCancellationRequested)
            {
                peak = Math.Max(peak, (long)(await count.ExecuteScalarAsync())!);
                await Task.Delay(5);
            }
        });
        using var import = await silo.Client.PostAsJsonAsync("v1/pools/wide/tasks", tasks, Json.Options);
        await watching.CancelAsync();
        await watcher;

        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        Assert.Equal(1500, (await silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/wide/stats")).GetProperty("tasks").GetInt32());
        Assert.InRange(peak, 2, cap);
    }

    [Fact]
    public async Task ServerOutOfConnections_AnImportAnswers503DatabaseBusy_WithNothingHalfDone_AndTheRetrySucceeds()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await using var silo = await SiloServer.StartAsync("--ActiveIT:Storage=postgres", $"--ActiveIT:ConnectionString={connection}");
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 }), 1500, 2, seed: 5);

        // Take every connection the server has left (the silo keeps the few it holds), as other clients of a shared
        // server might: new connections are refused with 53300, "too many clients".
        var hogs = new List<Npgsql.NpgsqlConnection>();
        try
        {
            while (true)
            {
                var hog = new Npgsql.NpgsqlConnection(connection + ";Pooling=false");
                try
                {
                    await hog.OpenAsync();
                }
                catch (Npgsql.PostgresException e) when (e.SqlState == "53300")
                {
                    await hog.DisposeAsync();
                    break;
                }
                hogs.Add(hog);
                Assert.True(hogs.Count < 1000, "the server never refused a connection");
            }
            using var refused = await silo.Client.PostAsJsonAsync("v1/pools/busy/tasks", tasks, Json.Options);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((System.Net.HttpStatusCode.ServiceUnavailable, "The database is busy"), (refused.StatusCode, problem.GetProperty("title").GetString()));
            Assert.Equal("5", refused.Headers.GetValues("Retry-After").Single());
            Assert.DoesNotContain("53300", problem.ToString());  // the cause stays in the silo's log
        }
        finally
        {
            foreach (var hog in hogs)
            {
                await hog.DisposeAsync();
            }
        }

        // The import was all or nothing; retried with the connections back, it is whole.
        var before = (await silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/busy/stats")).GetProperty("tasks").GetInt32();
        Assert.True(before is 0 or 1500, $"a partial import is visible: {before} tasks");
        using var retry = await silo.Client.PostAsJsonAsync("v1/pools/busy/tasks", tasks, Json.Options);
        Assert.True(retry.IsSuccessStatusCode, await retry.Content.ReadAsStringAsync());
        Assert.Equal(1500, (await silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/busy/stats")).GetProperty("tasks").GetInt32());
    }
}
