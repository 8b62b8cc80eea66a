using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core;
using ActiveIT.Core.Families;
using ActiveIT.Core.Formats;
using Xunit.Abstractions;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// The fuzz suite's HTTP half: a valid body of every endpoint that takes one (task lists, uploads, import-path,
/// scoring, experiments, transfers, completions, chat, diversity), mutated as the reader fuzz mutates files, sent to a real silo.
/// Never a 5xx; every refusal says why in its body, and a body that is not JSON is refused naming where it breaks;
/// a refused import leaves its pool as it was. Fixed seed plus a rotating one (ACTIVEIT_FUZZ_SEED replays).
/// </summary>
public sealed class HttpFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int CasesPerEndpoint = 100;  // × 2 seeds × 9 endpoints = 1,800 a run
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-http-fuzz-").FullName;
    private SiloServer _silo = null!;

    public async Task InitializeAsync()
    {
        SiloServer.SaveTinyModel(_dir);
        Directory.CreateDirectory(Path.Combine(_dir, "imports"));
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={_dir}",
            $"--ActiveIT:AdminKeys:0={SiloServer.Key}", $"--ActiveIT:ImportRoots:0={_dir}/imports", "--ActiveIT:MaxGenerationTokens=8", "--ActiveIT:MaxPromptsPerRequest=4");
    }

    private sealed record Endpoint(string Name, string Path, byte[] Body, string ContentType, string? ImportPool = null, string Method = "POST");

    private static byte[] Utf8Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value, Json.Options);

    private IEnumerable<Endpoint> Endpoints()
    {
        var tasks = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 4, InstancesPerTask: 4, Families: ["reverse", "copy"]), seed: 5);
        using var niv2 = new MemoryStream();
        Niv2Writer.Write(tasks[2], niv2);
        var file = Path.Combine(_dir, "imports", "task2.json");
        File.WriteAllBytes(file, niv2.ToArray());
        var experiment = new Grains.Curriculum.ExperimentConfig
        {
            Name = "fz", Pool = "base", InitialTasks = 1, TasksPerRound = 1, Rounds = 1, InstancesPerTask = 2,
            Evaluation = new() { Tasks = 1, InstancesPerTask = 2, MaxNewTokens = 4 }, Model = new() { Layers = 1, Heads = 2, DModel = 16, Context = 96 },
        };
        return
        [
            new("tasks", "v1/pools/fz-tasks/tasks", Utf8Json(tasks.Take(2)), "application/json", "fz-tasks"),
            new("upload", "v1/pools/fz-upload/upload?name=task2.json&format=niv2", niv2.ToArray(), "application/octet-stream", "fz-upload"),
            new("import-path", "v1/pools/fz-path/import-path", Utf8Json(new { path = file, format = "niv2" }), "application/json", "fz-path"),
            new("score", "v1/runs/scoring", Utf8Json(new { pool = "base", model = "tiny", instances = 2, perturbations = 2, max_new_tokens = 4 }), "application/json"),
            new("experiments", "v1/runs/curriculum", Utf8Json(experiment), "application/json"),
            new("transfers", "v1/runs/transfer", Utf8Json(new { pool = "base", out_pool = "fz-out", model = "tiny", candidates = 1, max_tokens = 4, denoise = false }),
                "application/json"),
            new("completions", "v1/completions", Utf8Json(new { model = "tiny", prompt = new[] { "ab", "cd" }, max_tokens = 4, logprobs = 1, echo = true }),
                "application/json"),
            new("chat", "v1/chat/completions", Utf8Json(new { model = "tiny", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 4, stream = true }),
                "application/json"),
            new("diversity", "v1/runs/diversity", Utf8Json(new
            {
                name = "fz-div", config = new { instruction_counts = new[] { 2, 4 }, example_budget = 16, seeds = new[] { 1, 2 }, test_rules = 2, test_examples = 4,
                    generator = new { alphabet_size = 4, input_length = 6, max_pattern_length = 2, max_replacement_length = 2 }, model = new { layers = 1, heads = 2, d_model = 8 } },
            }), "application/json"),
        ];
    }

    [Fact]
    public async Task MutatedBodies_OfEveryEndpoint_AreAnsweredOrRefusedSayingWhy_NeverA5xx_NeverAPartialImport()
    {
        var baseTasks = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 4, InstancesPerTask: 4, Families: ["reverse"]), seed: 9);
        (await _silo.Client.PostAsJsonAsync("v1/pools/base/tasks", baseTasks, Json.Options)).EnsureSuccessStatusCode();
        var total = 0;
        foreach (var endpoint in Endpoints())
        {
            using (var valid = await SendAsync(endpoint, endpoint.Body))
            {
                Assert.True(valid.IsSuccessStatusCode, $"{endpoint.Name}: the valid body is refused: {await valid.Content.ReadAsStringAsync()}");
            }
            var (cases, refused) = (0, 0);
            foreach (var seed in Mutations.Seeds())
            {
                var random = SeededRandom.For(seed, $"fuzz/http/{endpoint.Name}");
                for (var i = 0; i < CasesPerEndpoint; i++, cases++)
                {
                    var input = Mutations.Mutate(endpoint.Body, random);
                    var where = $"{endpoint.Name}, seed {seed}, case {i}";
                    var before = endpoint.ImportPool is { } pool ? await VersionAsync(pool) : 0;
                    using var response = await SendAsync(endpoint, input);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True((int)response.StatusCode < 500, $"{where}: {(int)response.StatusCode} {body}; input: {Encoding.UTF8.GetString(input)}");
                    if (response.IsSuccessStatusCode)
                    {
                        continue;
                    }
                    refused++;
                    var reason = Reason(body);
                    Assert.False(string.IsNullOrWhiteSpace(reason), $"{where}: {(int)response.StatusCode} without a reason: '{body}'");
                    if (endpoint.ContentType == "application/json" && !IsJson(input))
                    {
                        Assert.True(reason!.Contains("line", StringComparison.OrdinalIgnoreCase) || reason.Contains("Path", StringComparison.Ordinal),
                            $"{where}: a body that is not JSON, refused without saying where: {reason}");
                    }
                    if (endpoint.ImportPool is { } changed)
                    {
                        Assert.Equal(before, await VersionAsync(changed));
                    }
                }
            }
            output.WriteLine($"{endpoint.Name}: {cases} cases, {refused} refused");
            total += cases;
        }
        Assert.Equal(9 * 2 * CasesPerEndpoint, total);
    }

    private async Task<HttpResponseMessage> SendAsync(Endpoint endpoint, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new(endpoint.ContentType);
        return await _silo.Client.SendAsync(new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path) { Content = content });
    }

    private async Task<long> VersionAsync(string pool) =>
        (await _silo.Client.GetFromJsonAsync<JsonElement>($"v1/pools/{pool}/stats")).GetProperty("version").GetInt64();

    /// <summary>Problem details' detail, or the OpenAI error's message.</summary>
    private static string? Reason(string body)
    {
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            return json.TryGetProperty("detail", out var detail) ? detail.GetString()
                : json.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJson(byte[] input)
    {
        try
        {
            using var _ = JsonDocument.Parse(input);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
