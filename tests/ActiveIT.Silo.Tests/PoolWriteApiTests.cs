using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Families;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// Pool writes over HTTP and the CLI: ETags, If-Match and 412 (two writers at once: one wins, the other learns the
/// version), Idempotency-Key retries answered with the first outcome, owners and editors (403 naming the owner, PUT
/// access, `pool share`), and an admin's DELETE refused with 409 naming the experiment that pins the pool.
/// </summary>
public sealed class PoolWriteApiTests : IAsyncLifetime
{
    private const string OtherKey = "other-researcher-key", AdminKey = "admin-key";
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-pool-writes-api-").FullName;
    private SiloServer _silo = null!;
    private InstructionTask[] _tasks = [];

    public async Task InitializeAsync()
    {
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ApiKeys:1={OtherKey}",
            $"--ActiveIT:AdminKeys:0={AdminKey}");
        _tasks = [.. FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 8, InstancesPerTask: 4, Families: ["copy", "reverse"]), seed: 6)];
        using var posted = await _silo.Client.PostAsJsonAsync("v1/pools/w/tasks", _tasks[..6], Json.Options);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("\"6\"", posted.Headers.ETag!.Tag);
    }

    private HttpClient As(string key) => new() { BaseAddress = _silo.Client.BaseAddress, DefaultRequestHeaders = { Authorization = new("Bearer", key) } };

    private static HttpRequestMessage Post(string path, object body, string? ifMatch = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json.Options) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return request;
    }

    [Fact]
    public async Task TwoWritersWithTheSameIfMatch_OneWins_TheOtherGets412WithTheVersion()
    {
        using var stats = await _silo.Client.GetAsync("v1/pools/w/stats");
        var tag = stats.Headers.ETag!.Tag;
        Assert.Equal("\"6\"", tag);
        using var other = As(OtherKey);
        using (var share = await _silo.Client.PutAsJsonAsync("v1/pools/w/access", new { editors = new[] { "key-1" } }))
        {
            Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        }
        string[] definitions = ["the owner's edit", "the editor's edit"];
        var replies = await Task.WhenAll(new[] { _silo.Client, other }.Select((client, i) =>
            client.SendAsync(Post("v1/pools/w/tasks", new[] { _tasks[0] with { Definition = definitions[i] } }, ifMatch: tag))));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], replies.Select(r => r.StatusCode).Order());
        var winner = Array.FindIndex(replies, r => r.StatusCode == HttpStatusCode.OK);
        var lost = replies[1 - winner];
        Assert.Equal("\"7\"", replies[winner].Headers.ETag!.Tag);
        Assert.Equal("\"7\"", lost.Headers.ETag!.Tag);
        var problem = await lost.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((6L, 7L), (problem.GetProperty("expected_version").GetInt64(), problem.GetProperty("current_version").GetInt64()));
        Assert.Contains("pool 'w' is at version 7, not 6: nothing was applied", problem.GetProperty("detail").GetString());
        var stored = await _silo.Client.GetFromJsonAsync<InstructionTask>($"v1/pools/w/tasks/{_tasks[0].Id}", Json.Options);
        Assert.Equal(definitions[winner], stored!.Definition);

        using var bad = await _silo.Client.SendAsync(Post("v1/pools/w/tasks", new[] { _tasks[1] }, ifMatch: "W/\"7\""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("If-Match: 'W/\"7\"' is not a pool version", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        // The CLI: --if-version, exit 3 and the silo's words when the pool moved on.
        var file = Path.Combine(_dir, "one.json");
        File.WriteAllText(file, "[{\"instruction\": \"Say hi.\", \"input\": \"\", \"output\": \"hi\"}]");
        var env = new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = SiloServer.Key };
        var stale = ActiveIT.Testing.CliRunner.Run($"pool import {file} --format alpaca --pool w --if-version 6 --silo {_silo.Url}", env);
        Assert.True(stale.ExitCode == 3, stale.Stderr);
        Assert.Contains("is at version 7, not 6", stale.Stderr);
        var fresh = ActiveIT.Testing.CliRunner.Run($"pool import {file} --format alpaca --pool w --if-version 7 --silo {_silo.Url}", env);
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.Contains("version 8", fresh.Stdout);
    }

    [Fact]
    public async Task ARetryWithItsIdempotencyKey_GetsTheFirstOutcome_EvenAsAConditionalWrite()
    {
        using var first = await _silo.Client.SendAsync(Post("v1/pools/w/tasks", new[] { _tasks[6] }, ifMatch: "\"6\"", key: "import-7"));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var retry = await _silo.Client.SendAsync(Post("v1/pools/w/tasks", new[] { _tasks[6] }, ifMatch: "\"6\"", key: "import-7"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);  // not 412: the write it repeats made version 7
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal("\"7\"", retry.Headers.ETag!.Tag);

        using var removal = await _silo.Client.SendAsync(Post("v1/pools/w/remove", new { task_ids = new[] { _tasks[6].Id }, reason = "dup" }, key: "remove-7"));
        using var removalAgain = await _silo.Client.SendAsync(Post("v1/pools/w/remove", new { task_ids = new[] { _tasks[6].Id }, reason = "dup" }, key: "remove-7"));
        Assert.Equal(await removal.Content.ReadAsStringAsync(), await removalAgain.Content.ReadAsStringAsync());
        Assert.Equal(2, (await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/w/history")).GetArrayLength() - 1);

        using var reused = await _silo.Client.SendAsync(Post("v1/pools/w/tasks", new[] { _tasks[7] }, key: "import-7"));
        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        Assert.Contains("'import-7' was already used for another request", await reused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnlyOwnersEditorsAndAdmins_WriteAPool_AndAPinnedPoolIsNotDeleted()
    {
        using var other = As(OtherKey);
        using var admin = As(AdminKey);
        using (var refused = await other.PostAsJsonAsync("v1/pools/w/tasks", new[] { _tasks[6] }, Json.Options))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("key-1 may not write pool 'w': it belongs to key-0", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"v1/pools/w/tasks/{_tasks[0].Id}?reason=mine")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync("v1/pools/w/access", new { editors = new[] { "key-1" } })).StatusCode);
        var access = await other.GetFromJsonAsync<JsonElement>("v1/pools/w/access");
        Assert.Equal("key-0", access.GetProperty("owner").GetString());
        Assert.Equal(6, (await other.GetFromJsonAsync<JsonElement>("v1/pools/w/stats")).GetProperty("tasks").GetInt32());  // reading is for all

        // The owner shares it with the CLI; the editor writes; an admin writes any pool.
        var env = new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = SiloServer.Key };
        var share = ActiveIT.Testing.CliRunner.Run($"pool share key-1 --pool w --silo {_silo.Url}", env);
        Assert.True(share.ExitCode == 0, share.Stderr);
        Assert.Contains("owner key-0; editors key-1", share.Stdout);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("v1/pools/w/tasks", new[] { _tasks[6] }, Json.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("v1/pools/w/tasks", new[] { _tasks[7] }, Json.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _silo.Client.DeleteAsync("v1/pools/w")).StatusCode);  // deleting is an admin's

        var experiment = new ExperimentConfig
        {
            Name = "pins-w", Pool = "w", InitialTasks = 2, TasksPerRound = 1, Rounds = 1, InstancesPerTask = 2,
            Evaluation = new() { Tasks = 2, InstancesPerTask = 2, MaxNewTokens = 4 }, Model = new() { Layers = 1, Heads = 2, DModel = 16, Context = 96 },
        };
        Assert.Equal(HttpStatusCode.Created, (await _silo.Client.PostAsJsonAsync("v1/runs/curriculum", experiment, Json.Options)).StatusCode);
        using (var pinned = await admin.DeleteAsync("v1/pools/w"))
        {
            Assert.Equal(HttpStatusCode.Conflict, pinned.StatusCode);
            var problem = await pinned.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(["pins-w"], problem.GetProperty("runs").EnumerateArray().Select(r => r.GetString()));
        }
        Assert.Equal(HttpStatusCode.NoContent, (await _silo.Client.DeleteAsync("v1/runs/curriculum/pins-w")).StatusCode);
        var deleted = ActiveIT.Testing.CliRunner.Run($"pool delete --pool w --yes --silo {_silo.Url}", new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = AdminKey });
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("v1/pools/w")).StatusCode);
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("v1/pools/w/stats")).GetProperty("tasks").GetInt32());
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
