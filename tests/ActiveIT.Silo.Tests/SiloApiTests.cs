using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActiveIT.Silo.Tests;

public sealed class SiloApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-silo-").FullName;
    private SiloServer _silo = null!;

    private string Roots => Path.Combine(_dir, "roots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Roots);
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:AdminKeys:0={SiloServer.Key}",
            "--ActiveIT:ApiKeys:1=plain-key", $"--ActiveIT:ImportRoots:0={SharedData.Path("self_instruct")}", $"--ActiveIT:ImportRoots:1={Roots}",
            $"--ActiveIT:ModelDir={Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName}");
    }

    [Fact]
    public async Task PostedTasks_AreRefusedNamingWhere_WhenAFieldIsMissingNullOrAnIdBreaksTheRules()
    {
        var task = ActiveIT.Core.Families.FamilyTaskSource.Tasks(new(Tasks: 1, InstancesPerTask: 2, Families: ["copy"]), seed: 1)[0];
        var valid = JsonSerializer.SerializeToNode(new[] { task }, ActiveIT.Client.Output.Json.Options)!;
        async Task<string> RefusedAsync(Action<System.Text.Json.Nodes.JsonNode> change)
        {
            var body = valid.DeepClone();
            change(body);
            using var response = await _silo.Client.PostAsync("v1/pools/strict/tasks", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        }

        Assert.Equal("request body: $ holds no tasks; nothing was imported", await RefusedAsync(b => b.AsArray().Clear()));
        Assert.Contains("missing required properties including: 'definition'", await RefusedAsync(b => b[0]!.AsObject().Remove("definition")));
        var nulled = await RefusedAsync(b => b[0]!["definition"] = null);
        Assert.Contains("'Definition'", nulled);
        Assert.Contains("Path: $[0].definition", nulled);
        Assert.Contains("Path: $[0].categories", await RefusedAsync(b => b[0]!["categories"] = "copy"));  // a list given as a string
        Assert.Equal("request body: $[0].instances[1].id: duplicate instance id 'x'; nothing was imported",
            await RefusedAsync(b => { b[0]!["instances"]![0]!["id"] = "x"; b[0]!["instances"]![1]!["id"] = "x"; }));
        Assert.Equal("request body: $[0].instances[0].id: an instance id must not be empty; nothing was imported",
            await RefusedAsync(b => b[0]!["instances"]![0]!["id"] = " "));
        Assert.Equal("request body: $[0].id: a task id must not be empty; nothing was imported", await RefusedAsync(b => b[0]!["id"] = ""));
        Assert.Contains("$[0].positive_examples[1]: null where a value is required", await RefusedAsync(b => b[0]!["positive_examples"]![1] = null));
        Assert.Contains("$[0]: null where a value is required", await RefusedAsync(b => b[0] = null));
        Assert.Equal(0, (await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/strict/stats")).GetProperty("tasks").GetInt32());

        // A field that may be null may be left out.
        var withoutLicense = valid.DeepClone();
        withoutLicense[0]!.AsObject().Remove("license");
        using var accepted = await _silo.Client.PostAsync("v1/pools/strict/tasks", new StringContent(withoutLicense.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task ImportPath_ReadsOnlyBelowItsRoots_ForAdminKeys_AndNeverEchoesWhatIsOutside()
    {
        var inside = Path.Combine(Roots, "inside");
        Directory.CreateDirectory(inside);
        File.Copy(SharedData.Path("self_instruct", "seed_tasks.jsonl"), Path.Combine(inside, "seed.jsonl"));
        File.WriteAllText(Path.Combine(_dir, "secret.jsonl"), "{\"instruction\": \"SECRET\", \"input\": \"\", \"output\": \"s3cr3t\"}\n");
        File.CreateSymbolicLink(Path.Combine(Roots, "leak.jsonl"), Path.Combine(_dir, "secret.jsonl"));
        Directory.CreateSymbolicLink(Path.Combine(Roots, "up"), _dir);

        async Task<(HttpStatusCode Status, string Body)> Import(string path, HttpClient? client = null)
        {
            using var response = await (client ?? _silo.Client).PostAsJsonAsync("v1/pools/r/import-path", new { path });
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        var imported = await Import(Path.Combine(inside, "seed.jsonl"));
        Assert.True(imported.Status == HttpStatusCode.OK, $"{imported.Status} {imported.Body}");
        foreach (var path in new[]
                 {
                     "/etc/passwd", Path.Combine(_dir, "secret.jsonl"), Path.Combine(Roots, "leak.jsonl"), Path.Combine(Roots, "up", "secret.jsonl"),
                     Path.Combine(Roots, "..", "secret.jsonl"), Path.Combine(Roots, "up"), Path.Combine(Roots, "nope", "..", "..", "secret.jsonl"),
                 })
        {
            var (status, body) = await Import(path);
            Assert.True(status == HttpStatusCode.Forbidden, $"{path}: {status} {body}");
            Assert.Contains("is not below an import root", body);
            Assert.DoesNotContain("s3cr3t", body);
            Assert.DoesNotContain("root:", body);
        }
        // A folder inside the roots holding a link that leads out is refused whole.
        File.CreateSymbolicLink(Path.Combine(inside, "zz-leak.jsonl"), Path.Combine(_dir, "secret.jsonl"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Import(inside)).Status);

        using var plain = new HttpClient { BaseAddress = _silo.Client.BaseAddress };
        plain.DefaultRequestHeaders.Authorization = new("Bearer", "plain-key");
        var (plainStatus, plainBody) = await Import(Path.Combine(inside, "seed.jsonl"), plain);
        Assert.Equal(HttpStatusCode.Forbidden, plainStatus);
        Assert.Contains("(researcher) may not POST /v1/pools/r/import-path: it needs the admin role", plainBody);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("v1/pools/r/stats")).StatusCode);  // an ordinary key still reads

        // An experiment's base checkpoint is a file the worker reads: the same rule.
        using var experiment = await _silo.Client.PostAsJsonAsync("v1/runs/curriculum",
            new { name = "x", pool = "r", model = new { base_checkpoint = Path.Combine(_dir, "secret.jsonl") } });
        Assert.Equal(HttpStatusCode.Forbidden, experiment.StatusCode);
        Assert.Contains("must lie below ActiveIT:ModelDir or an ActiveIT:ImportRoots folder", await experiment.Content.ReadAsStringAsync());
        // A relative one names a file in the model folder, and may not climb out of it.
        using var climbing = await _silo.Client.PostAsJsonAsync("v1/runs/curriculum",
            new { name = "y", pool = "r", model = new { base_checkpoint = "../secret.jsonl" } });
        Assert.Equal(HttpStatusCode.Forbidden, climbing.StatusCode);
        Assert.Contains($"model.base_checkpoint '{Path.Combine(_dir, "secret.jsonl")}' must lie below", await climbing.Content.ReadAsStringAsync());

        await using var closed = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/closed", $"--ActiveIT:AdminKeys:0={SiloServer.Key}");
        using var off = await closed.Client.PostAsJsonAsync("v1/pools/r/import-path", new { path = Path.Combine(inside, "seed.jsonl") });
        Assert.Equal(HttpStatusCode.Forbidden, off.StatusCode);
        Assert.Contains("ActiveIT:ImportRoots", await off.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequestsWithoutKey_Get401ProblemDetails()
    {
        using var anonymous = new HttpClient { BaseAddress = _silo.Client.BaseAddress };
        using var response = await anonymous.GetAsync("v1/pools/p/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/pools/p/stats")).StatusCode);
    }

    [Fact]
    public async Task OrleansDashboard_IsServedBehindTheApiKeys()
    {
        // (HttpClient drops the Authorization header on the dashboard's redirect from /dashboard to /dashboard/.)
        Assert.True((await _silo.Client.GetAsync("dashboard/")).IsSuccessStatusCode);
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = _silo.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("dashboard/?api_key=wrong")).StatusCode);
        using var opened = await browser.GetAsync($"dashboard?api_key={SiloServer.Key}");  // as a browser opens it: redirected, cookie set
        Assert.True(opened.IsSuccessStatusCode, opened.StatusCode.ToString());
        Assert.Contains("<title>Orleans Dashboard</title>", await opened.Content.ReadAsStringAsync());
        Assert.True((await browser.GetAsync("dashboard/")).IsSuccessStatusCode);  // the cookie carries the key from now on
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("v1/pools/p/stats")).StatusCode);  // but only for the dashboard
    }

    [Fact]
    public async Task UploadAndServerPathImports_ThenListShowStatsExport()
    {
        var file = Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().First();
        using var upload = await _silo.Client.PostAsync($"v1/pools/p/upload?name={Path.GetFileName(file)}", new ByteArrayContent(await File.ReadAllBytesAsync(file)));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        Assert.Equal(1, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("added").GetInt32());

        using var byPath = await _silo.Client.PostAsJsonAsync("v1/pools/p/import-path", new { path = SharedData.Path("self_instruct", "seed_tasks.jsonl") });
        Assert.True(byPath.IsSuccessStatusCode, await byPath.Content.ReadAsStringAsync());

        var stats = await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/p/stats");
        Assert.Equal(176, stats.GetProperty("tasks").GetInt32());
        var list = await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/p/tasks?limit=2");
        Assert.Equal(2, list.GetArrayLength());
        var task = await _silo.Client.GetFromJsonAsync<JsonElement>($"v1/pools/p/tasks/{Path.GetFileNameWithoutExtension(file)}");
        Assert.Equal(100, task.GetProperty("instances").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await _silo.Client.GetAsync("v1/pools/p/tasks/nope")).StatusCode);
        var export = (await _silo.Client.GetStringAsync("v1/pools/p/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(176 + 1, export.Length);  // the tasks, then the end record
        Assert.Equal(176, JsonDocument.Parse(export[^1]).RootElement.GetProperty("end").GetProperty("tasks").GetInt32());
    }

    [Fact]
    public async Task BadUpload_Is400WithFileAndLocation_AndImportsNothing()
    {
        var body = new StringContent("{\"Definition\": [\"d\"], \"Instances\": [{\"id\": \"a\", \"input\": \"x\", \"output\": \"not a list\"}], \"Categories\": 5}");
        using var response = await _silo.Client.PostAsync("v1/pools/p/upload?name=task9_bad.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("task9_bad.json", problem.GetProperty("file").GetString());
        Assert.Equal("$.Instances[0].output", problem.GetProperty("location").GetString());  // a lone string where NIV2 has a list
        Assert.Equal(0, (await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/p/stats")).GetProperty("tasks").GetInt32());

        // A file that holds no task is an error naming it, not "0 tasks imported".
        using var empty = await _silo.Client.PostAsync("v1/pools/p/upload?name=nothing.json", new StringContent("[]"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var none = await empty.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("nothing.json", none.GetProperty("file").GetString());
        Assert.Contains("no task in this file", none.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OversizedRequest_Is413()
    {
        // Expect: 100-continue lets the silo answer before the body is sent, as a careful client would. The client waits
        // for that answer up to its timeout (1 s by default, which a loaded CI machine can pass: the body then goes out
        // and the silo's close breaks the pipe), so the wait here is long.
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) }) { BaseAddress = _silo.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = _silo.Client.DefaultRequestHeaders.Authorization;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/pools/p/upload?name=big.json") { Content = new ByteArrayContent(new byte[25_000_000]) };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public void Cli_AgainstSilo_SameCommandsAsEmbedded()
    {
        Environment.SetEnvironmentVariable("ACTIVEIT_API_KEY", SiloServer.Key);
        var import = CliRunner.Run($"pool import {SharedData.Path("self_instruct", "user_oriented_instructions.jsonl")} --pool remote --silo {_silo.Url} --json");
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Equal(252, JsonDocument.Parse(import.Stdout).RootElement.GetProperty("added").GetInt32());
        var stats = CliRunner.Run($"pool stats --pool remote --silo {_silo.Url} --json");
        Assert.Equal(252, JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("tasks").GetInt32());
        var show = CliRunner.Run($"pool show user_oriented_task_0 --pool remote --silo {_silo.Url}");
        Assert.Contains("Grammarly", CliRunner.Run($"pool show user_oriented_task_0 --pool remote --silo {_silo.Url} --json").Stdout);
        Assert.Equal(0, show.ExitCode);

        // The wrong key for this one run only: the silo test classes run in parallel and all use the right one.
        var denied = CliRunner.Run($"pool stats --pool remote --silo {_silo.Url}", new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = "wrong" });
        Assert.Equal(ActiveIT.Client.ExitCodes.Failure, denied.ExitCode);
        Assert.Contains("401", denied.Stderr);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
