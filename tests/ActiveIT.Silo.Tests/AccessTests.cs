using ActiveIT.Grains.Runs;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Families;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// Users and roles over real HTTP: every endpoint × no key, reader, researcher and admin (401, 403 naming the role it
/// needs, or let through); experiments owned by their creator; keys made, listed and revoked by admins, stored hashed.
/// </summary>
public sealed class AccessTests : IAsyncLifetime
{
    private const string AdminKey = "admin-key", ReaderKey = "reader-key";
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-access-").FullName;
    private SiloServer _silo = null!;

    public async Task InitializeAsync()
    {
        SiloServer.SaveTinyModel(_dir);
        Directory.CreateDirectory(Path.Combine(_dir, "imports"));
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={_dir}",
            $"--ActiveIT:AdminKeys:0={AdminKey}", $"--ActiveIT:ReaderKeys:0={ReaderKey}", $"--ActiveIT:ImportRoots:0={_dir}/imports");
        var tasks = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 8, InstancesPerTask: 4, Families: ["copy", "reverse"]), seed: 1);
        using var posted = await _silo.Client.PostAsJsonAsync("v1/pools/p/tasks", tasks, Json.Options);
        Assert.True(posted.IsSuccessStatusCode, $"{(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}\nthe silo logged: {_silo.Errors}");
    }

    private HttpClient As(string? key)
    {
        var http = new HttpClient { BaseAddress = _silo.Client.BaseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }
        return http;
    }

    private async Task<string> CreateKeyAsync(string user, string role)
    {
        using var admin = As(AdminKey);
        using var response = await admin.PostAsJsonAsync("v1/keys", new { user, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static ExperimentConfig Experiment(string name) => new()
    {
        Name = name, Pool = "p", InitialTasks = 2, TasksPerRound = 1, Rounds = 1, InstancesPerTask = 2,
        Evaluation = new() { Tasks = 2, InstancesPerTask = 2, MaxNewTokens = 4 }, Model = new() { Layers = 1, Heads = 2, DModel = 16, Context = 96 },
    };

    /// <summary>The role each endpoint needs: the table the closing note and README state.</summary>
    public static TheoryData<string, string, string, string> Endpoints() => new()
    {
        { "GET", "v1/me", "", "reader" },
        { "GET", "v1/pools", "", "reader" },
        { "GET", "v1/pools/p/stats", "", "reader" },
        { "GET", "v1/pools/p/tasks", "", "reader" },
        { "GET", "v1/pools/p/export", "", "reader" },
        { "GET", "v1/pools/p/scores?model=tiny", "", "reader" },
        { "GET", "v1/pools/p/map?model=tiny", "", "reader" },
        { "GET", "v1/runs/curriculum", "", "reader" },
        { "GET", "v1/runs/curriculum/none", "", "reader" },
        { "GET", "v1/runs/transfer", "", "reader" },
        { "GET", "v1/runs/transfer/none", "", "reader" },
        { "GET", "v1/models", "", "reader" },
        { "GET", "v1/pools/p/tasks/none", "", "reader" },
        { "GET", "v1/pools/p/history", "", "reader" },
        { "GET", "v1/pools/p/access", "", "reader" },
        { "GET", "v1/pools/p/diff?from=0&to=0", "", "reader" },
        { "GET", "v1/pools/p/tasks?version=0", "", "reader" },
        { "GET", "v1/runs/curriculum/none/events", "", "reader" },
        { "GET", "v1/runs/transfer/none/tasks", "", "reader" },
        { "GET", "v1/runs/transfer/none/tasks/none", "", "reader" },
        { "GET", "v1/runs/transfer/none/events", "", "reader" },
        { "GET", "v1/runs/scoring", "", "reader" },
        { "GET", "v1/runs/scoring/none", "", "reader" },
        { "GET", "v1/runs/scoring/none/events", "", "reader" },
        { "GET", "v1/runs/pretrain", "", "reader" },
        { "GET", "v1/runs/pretrain/none", "", "reader" },
        { "GET", "v1/runs/pretrain/none/events", "", "reader" },
        { "GET", "v1/runs/diversity", "", "reader" },
        { "GET", "v1/runs/diversity/none", "", "reader" },
        { "GET", "v1/runs/diversity/none/events", "", "reader" },
        { "GET", "dashboard/", "", "admin" },
        { "POST", "v1/pools/q/tasks", "tasks", "researcher" },
        { "DELETE", "v1/pools/q/tasks/none?reason=gone", "", "researcher" },
        { "PUT", "v1/pools/p/access", "{\"editors\": []}", "researcher" },
        { "POST", "v1/pools/q/remove", "{\"task_ids\": [\"none\"], \"reason\": \"gone\"}", "researcher" },
        { "POST", "v1/pools/q/upload?name=t.json&format=alpaca", "[{\"instruction\": \"Say hi.\", \"input\": \"\", \"output\": \"hi\"}]", "researcher" },
        { "POST", "v1/runs/scoring", "{\"pool\": \"p\", \"model\": \"tiny\", \"instances\": 1, \"perturbations\": 1, \"max_new_tokens\": 2}", "researcher" },
        { "POST", "v1/runs/scoring/none/start", "", "researcher" },
        { "POST", "v1/runs/scoring/none/cancel", "", "researcher" },
        { "DELETE", "v1/runs/scoring/none", "", "researcher" },
        { "POST", "v1/runs/pretrain", "{\"spec\": {\"families\": [\"copy\"], \"alphabet_size\": 4, \"min_length\": 2, \"max_length\": 4, \"layers\": 1, \"heads\": 1, \"d_model\": 8, \"context\": 32, \"document_chars\": 16, \"steps\": 1, \"batch_size\": 1, \"learning_rate\": 0.001, \"warmup_steps\": 0}, \"seeds\": [1]}", "researcher" },
        { "POST", "v1/runs/pretrain/none/start", "", "researcher" },
        { "POST", "v1/runs/pretrain/none/cancel", "", "researcher" },
        { "DELETE", "v1/runs/pretrain/none", "", "researcher" },
        { "POST", "v1/runs/curriculum", "experiment", "researcher" },
        { "POST", "v1/runs/curriculum/none/start", "", "researcher" },
        { "POST", "v1/runs/curriculum/none/cancel", "", "researcher" },
        { "DELETE", "v1/runs/curriculum/none", "", "researcher" },
        { "POST", "v1/runs/diversity", "{\"config\": {\"instruction_counts\": [2], \"example_budget\": 16, \"test_rules\": 2, \"test_examples\": 4, \"model\": {\"layers\": 1, \"heads\": 2, \"d_model\": 8}}}", "researcher" },
        { "POST", "v1/runs/diversity/none/start", "", "researcher" },
        { "POST", "v1/runs/diversity/none/cancel", "", "researcher" },
        { "DELETE", "v1/runs/diversity/none", "", "researcher" },
        { "POST", "v1/runs/transfer", "{\"pool\": \"p\", \"out_pool\": \"o\", \"model\": \"tiny\", \"candidates\": 1, \"max_tokens\": 2, \"denoise\": false}", "researcher" },
        { "POST", "v1/runs/transfer/none/start", "", "researcher" },
        { "POST", "v1/runs/transfer/none/cancel", "", "researcher" },
        { "DELETE", "v1/runs/transfer/none", "", "researcher" },
        { "POST", "v1/completions", "{\"model\": \"tiny\", \"prompt\": \"ab\", \"max_tokens\": 2}", "researcher" },
        { "POST", "v1/chat/completions", "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2}", "researcher" },
        { "POST", "v1/pools/q/import-path", "import-path", "admin" },
        { "DELETE", "v1/pools/none", "", "admin" },
        { "GET", "v1/keys", "", "admin" },
        { "POST", "v1/keys", "{\"user\": \"someone\", \"role\": \"reader\"}", "admin" },
        { "DELETE", "v1/keys/0000000000000000", "", "admin" },
        // Routing ignores case, so the gate must too; a path no endpoint takes needs a key as well.
        { "GET", "V1/KEYS", "", "admin" },
        { "DELETE", "V1/Keys/0000000000000000", "", "admin" },
        { "GET", "Dashboard/", "", "admin" },
        { "GET", "no/such/page", "", "reader" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryEndpoint_RefusesWhoLacksItsRole_AndLetsTheOthersThrough(string method, string path, string body, string needs)
    {
        string[] roles = ["none", "reader", "researcher", "admin"];
        var keys = new Dictionary<string, string?> { ["none"] = null, ["reader"] = ReaderKey, ["researcher"] = SiloServer.Key, ["admin"] = AdminKey };
        foreach (var role in roles)
        {
            using var http = As(keys[role]);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            var content = body switch
            {
                "tasks" => JsonSerializer.Serialize(FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 1, InstancesPerTask: 2, Families: ["copy"]), seed: 9), Json.Options),
                "experiment" => JsonSerializer.Serialize(Experiment($"e-{role}"), Json.Options),
                "import-path" => JsonSerializer.Serialize(new { path = Path.Combine(_dir, "imports", "none.json") }),
                _ => body,
            };
            if (content.Length > 0)
            {
                request.Content = new StringContent(content, Encoding.UTF8, "application/json");
            }
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (role == "none")
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
            else if (Array.IndexOf(roles, role) < Array.IndexOf(roles, needs))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as {role}: {(int)response.StatusCode} {text}");
                Assert.Contains($"({role}) may not {method} /{path.Split('?')[0]}: it needs the {needs} role", text);
            }
            else
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)response.StatusCode < 500,
                    $"{method} {path} as {role}: {(int)response.StatusCode} {text}");
            }
        }
    }

    [Fact]
    public async Task Experiments_BelongToTheirCreator_OtherResearchersCannotStartCancelOrDeleteThem_AdminsCan()
    {
        var alice = As(await CreateKeyAsync("alice", "researcher"));
        var bob = As(await CreateKeyAsync("bob", "researcher"));
        using var admin = As(AdminKey);
        (await alice.PostAsJsonAsync("v1/runs/curriculum", Experiment("alices"), Json.Options)).EnsureSuccessStatusCode();
        Assert.Equal("alice", (await bob.GetFromJsonAsync<Experiment>("v1/runs/curriculum/alices", Json.Options))!.Owner);

        foreach (var (action, send) in new (string, Func<HttpClient, Task<HttpResponseMessage>>)[]
                 {
                     ("start", c => c.PostAsync("v1/runs/curriculum/alices/start", null)),
                     ("cancel", c => c.PostAsync("v1/runs/curriculum/alices/cancel", null)),
                     ("delete", c => c.DeleteAsync("v1/runs/curriculum/alices")),
                 })
        {
            using var refused = await send(bob);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal($"experiment 'alices' belongs to alice; bob (researcher) may {action} only their own (admins may {action} any)",
                (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Equal(RunStatus.Created, (await alice.GetFromJsonAsync<Experiment>("v1/runs/curriculum/alices", Json.Options))!.Status);
        (await admin.PostAsync("v1/runs/curriculum/alices/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("v1/runs/curriculum/alices")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync("v1/runs/curriculum/alices/cancel", null)).StatusCode);
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Keys_AreCreatedListedAndRevokedByAdmins_StoredOnlyAsHashes()
    {
        var key = await CreateKeyAsync("rita", "reader");
        Assert.StartsWith("ait_", key);
        using (var rita = As(key))
        {
            Assert.Equal(HttpStatusCode.OK, (await rita.GetAsync("v1/pools/p/stats")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await rita.PostAsJsonAsync("v1/runs/curriculum", Experiment("ritas"), Json.Options)).StatusCode);
        }
        using var admin = As(AdminKey);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("v1/keys")).EnumerateArray().Single(k => k.GetProperty("user").GetString() == "rita");
        Assert.Equal("reader", listed.GetProperty("role").GetString());
        Assert.False(listed.TryGetProperty("key", out _));
        var id = listed.GetProperty("id").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16], id);
        // The key itself is in no file of the silo's storage.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // (activeit.db.lock is empty, and locked by the running silo against every reader.)
        Assert.All(Directory.GetFiles(Path.Combine(_dir, "data"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)),
            f => Assert.DoesNotContain(key, Encoding.UTF8.GetString(File.ReadAllBytes(f))));

        using (var bad = await admin.PostAsJsonAsync("v1/keys", new { user = "x", role = "owner" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("role: 'owner' is not one of reader, researcher, admin", await bad.Content.ReadAsStringAsync());
        }
        (await admin.DeleteAsync($"v1/keys/{id}")).EnsureSuccessStatusCode();
        using (var revoked = As(key))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("v1/pools/p/stats")).StatusCode);  // at once on the silo that revoked it
        }
        Assert.NotEqual(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>("v1/keys")).EnumerateArray().Single(k => k.GetProperty("id").GetString() == id)
            .GetProperty("revoked_at").ValueKind);
    }

    [Fact]
    public void KeysCli_CreatesListsAndRevokes_WithAnAdminKey_AndSaysWhenTheKeyIsNoAdmins()
    {
        var admin = new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = AdminKey };
        var created = ActiveIT.Testing.CliRunner.Run($"keys create --user carol --role researcher --silo {_silo.Url} --json", admin);
        Assert.True(created.ExitCode == 0, created.Stderr);
        var json = JsonDocument.Parse(created.Stdout).RootElement;
        Assert.Equal(("carol", "researcher"), (json.GetProperty("user").GetString(), json.GetProperty("role").GetString()));
        var list = ActiveIT.Testing.CliRunner.Run($"keys list --silo {_silo.Url}", admin);
        Assert.Contains(json.GetProperty("id").GetString()!, list.Stdout);
        Assert.Contains("carol", list.Stdout);
        var notAdmin = ActiveIT.Testing.CliRunner.Run($"keys list --silo {_silo.Url}", new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = SiloServer.Key });
        Assert.Equal(1, notAdmin.ExitCode);
        Assert.Contains("it needs the admin role", notAdmin.Stderr);
        var revoke = ActiveIT.Testing.CliRunner.Run($"keys revoke {json.GetProperty("id").GetString()} --silo {_silo.Url}", admin);
        Assert.True(revoke.ExitCode == 0, revoke.Stderr);
        Assert.Contains("revoked key", revoke.Stdout);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
