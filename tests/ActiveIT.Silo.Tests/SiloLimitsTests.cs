using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActiveIT.Silo.Tests;

/// <summary>Each configurable limit of a silo, over real HTTP: request size, requests per key, generation length, prompts per
/// request, experiments active per user.</summary>
public sealed class SiloLimitsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-limits-").FullName;
    private SiloServer _silo = null!;

    public async Task InitializeAsync()
    {
        SiloServer.SaveTinyModel(_dir);
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={_dir}",
            "--ActiveIT:ApiKeys:1=second-key", "--ActiveIT:MaxRequestBytes=4096", "--ActiveIT:RequestsPerMinutePerKey=6",
            "--ActiveIT:MaxGenerationTokens=8", "--ActiveIT:MaxPromptsPerRequest=2");
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        using var response = await _silo.Client.PostAsJsonAsync(path, body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Limits_RefuseWhatIsAboveThem_SayingWhichSettingToChange()
    {
        // 6 requests a minute for this key: the first five below are within it.
        var (status, body) = await PostAsync("v1/completions", new { model = "tiny", prompt = "ab", max_tokens = 9 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("max_tokens 9 is above this silo's limit of 8 (ActiveIT:MaxGenerationTokens)", body.GetProperty("error").GetProperty("message").GetString());
        (status, body) = await PostAsync("v1/chat/completions", new { model = "tiny", messages = new[] { new { role = "user", content = "hi" } }, max_completion_tokens = 100 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("max_completion_tokens", body.GetProperty("error").GetProperty("param").GetString());
        (status, body) = await PostAsync("v1/completions", new { model = "tiny", prompt = new[] { "a", "b", "c" }, max_tokens = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("3 prompts in one request are above this silo's limit of 2 (ActiveIT:MaxPromptsPerRequest)", body.GetProperty("error").GetProperty("message").GetString());
        (status, _) = await PostAsync("v1/completions", new { model = "tiny", prompt = new[] { "a", "b" }, max_tokens = 8 });
        Assert.Equal(HttpStatusCode.OK, status);
        using (var big = await _silo.Client.PostAsync("v1/completions", new StringContent(JsonSerializer.Serialize(new { model = "tiny", prompt = new string('x', 5000) }),
            System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        }

        using (var sixth = await _silo.Client.GetAsync("v1/models"))
        {
            Assert.Equal(HttpStatusCode.OK, sixth.StatusCode);
        }
        using (var seventh = await _silo.Client.GetAsync("v1/models"))
        {
            Assert.Equal((HttpStatusCode)429, seventh.StatusCode);
            Assert.InRange(int.Parse(seventh.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.Contains("ActiveIT:RequestsPerMinutePerKey", await seventh.Content.ReadAsStringAsync());
        }
        // The limit is per key: another key still gets through.
        using var other = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        other.Headers.Authorization = new("Bearer", "second-key");
        using var response = await _silo.Client.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Scoring_IsBoundedLikeGeneration()
    {
        // Another key than the rate-limit test's, so the two tests' requests never share a window.
        async Task<string> RefusedAsync(object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs/scoring") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", "second-key");
            using var response = await _silo.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        }
        Assert.Equal("max_new_tokens 9: between 1 and this silo's limit of 8 (ActiveIT:MaxGenerationTokens)",
            await RefusedAsync(new { pool = "p", model = "tiny", max_new_tokens = 9 }));
        Assert.Equal("perturbations 101: between 1 and 100", await RefusedAsync(new { pool = "p", model = "tiny", perturbations = 101, max_new_tokens = 8 }));
    }

    [Fact]
    public async Task ActiveExperimentsPerUser_AStartBeyondTheLimitIs429_OtherUsersAndFreedSlotsStart()
    {
        await using var silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/experiments",
            "--ActiveIT:ApiKeys:1=second-key", "--ActiveIT:MaxActiveExperimentsPerUser=1", "--ActiveIT:EngineThreads=1");
        var generator = new ActiveIT.Core.Rewriting.RewriteGenerator(ActiveIT.Core.Rewriting.RewriteGeneratorOptions.Demo with { AlphabetSize = 12 });
        (await silo.Client.PostAsJsonAsync("v1/pools/p/tasks", ActiveIT.Core.Rewriting.RewriteTaskSource.Tasks(generator, 20, 6, seed: 1),
            ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        using var second = new HttpClient { BaseAddress = silo.Client.BaseAddress };
        second.DefaultRequestHeaders.Authorization = new("Bearer", "second-key");
        async Task<HttpStatusCode> CreateAndStartAsync(HttpClient client, string name)
        {
            // Long enough training that a started experiment is still queued or running when the next start is checked.
            var config = new ActiveIT.Grains.Curriculum.ExperimentConfig
            {
                Name = name, Pool = "p", InitialTasks = 4, TasksPerRound = 3, Rounds = 2, InstancesPerTask = 6,
                Evaluation = new() { Tasks = 3, InstancesPerTask = 3, MaxNewTokens = 8 },
                Model = new() { Layers = 1, Heads = 2, DModel = 32, Context = 192 },
                Training = new() { Epochs = 1000, BatchSize = 4, WarmupSteps = 1 },
            };
            using (var created = await client.PostAsJsonAsync("v1/runs/curriculum", config, ActiveIT.Client.Output.Json.Options))
            {
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            }
            using var started = await client.PostAsync($"v1/runs/curriculum/{name}/start", null);
            return started.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Accepted, await CreateAndStartAsync(silo.Client, "first"));
        Assert.Equal((HttpStatusCode)429, await CreateAndStartAsync(silo.Client, "second"));
        using (var refused = await silo.Client.PostAsync("v1/runs/curriculum/second/start", null))
        {
            var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
            var owner = (await silo.Client.GetFromJsonAsync<JsonElement>("v1/runs/curriculum/first")).GetProperty("owner").GetString()!;
            Assert.Equal("key-0", owner);  // a configured key's user: named by its place in ActiveIT:ApiKeys, never by the key or its hash
            Assert.Equal($"{owner} has 1 experiments queued or running; ActiveIT:MaxActiveExperimentsPerUser allows 1: cancel one or wait for one to finish", detail);
        }
        Assert.Equal(HttpStatusCode.Accepted, await CreateAndStartAsync(second, "other-key"));  // the limit is per user

        (await silo.Client.PostAsync("v1/runs/curriculum/first/cancel", null)).EnsureSuccessStatusCode();
        using (var freed = await silo.Client.PostAsync("v1/runs/curriculum/second/start", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, freed.StatusCode);
        }
        foreach (var (client, name) in new[] { (silo.Client, "second"), (second, "other-key") })
        {
            (await client.PostAsync($"v1/runs/curriculum/{name}/cancel", null)).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
