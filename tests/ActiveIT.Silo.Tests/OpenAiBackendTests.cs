using System.Text.Json.Nodes;
using System.Net.Http.Json;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActiveIT.Silo.Tests;

/// <summary>The remote backend through the real OpenAI package, against the silo over loopback, and against stand-ins for what cannot run here.</summary>
public sealed class OpenAiBackendTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-remote-").FullName;
    private SiloServer _silo = null!;
    private GptModel _model = null!;

    public async Task InitializeAsync()
    {
        _model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 512, RotaryDim: 8), seed: 9);
        _model.Save(Path.Combine(_dir, "tiny.safetensors"));
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={_dir}");
    }

    private OpenAiCompatibleBackend Remote(string? url = null) => new(new Uri((url ?? _silo.Url) + "v1"), "tiny", SiloServer.Key, timeout: TimeSpan.FromSeconds(30));

    [Fact]
    public async Task AgainstSilo_ProbeGenerateAndScoreMatchTheEngine()
    {
        var remote = Remote();
        Assert.True(await remote.ProbeAsync());
        var generated = await remote.GenerateAsync(["abc", "hello"], 5);
        var local = await new LocalEngineBackend(_model, "tiny", "v").GenerateAsync(["abc", "hello"], 5);
        Assert.Equal(local, generated);

        Assert.Equal(await new LocalEngineBackend(_model, "tiny", "v").TokenizeAsync("hé!"), await remote.TokenizeAsync("hé!"));
        Assert.Equal(["<|bos|>", "h", "bytes:\\xc3", "bytes:\\xa9", "!"], await remote.TokenizeAsync("hé!"));
        var sampled = await remote.GenerateAsync(["abc"], 8, temperature: 1, seed: 3);
        Assert.Equal(sampled, await remote.GenerateAsync(["abc"], 8, temperature: 1, seed: 3));
        Assert.Equal(await new LocalEngineBackend(_model, "tiny", "v").GenerateAsync(["abc"], 8, temperature: 1, seed: 3), sampled);

        // The target and the end-of-sequence token, as the local engine scores them (the silo's byte models spell it <|eos|>).
        Assert.Equal("<|eos|>", await remote.EndOfSequenceAsync());
        var scores = await remote.ScoreAsync([("ab", "cde"), ("hello ", "world"), ("ab", "")]);
        var localScores = await new LocalEngineBackend(_model, "tiny", "v").ScoreAsync([("ab", "cde"), ("hello ", "world"), ("ab", "")]);
        int[] tokens = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("abcde"), ByteTokenizer.Eos];
        var expected = _model.Score(SequenceBatch.FromArrays(1, tokens.Length, tokens, [0, 0, 0, 1, 1, 1, 1]))[0];
        Assert.Equal([4, 6, 1], scores.Select(s => s.TokenCount));
        Assert.Equal(localScores.Select(s => s.TokenCount), scores.Select(s => s.TokenCount));
        Assert.Equal(expected.LogProbSum, scores[0].LogProbSum, 1e-4);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(localScores[i].LogProbSum, scores[i].LogProbSum, 1e-3);
        }
    }

    [Fact]
    public async Task UnreachableServer_AfterItsRetries_IsAnHttpRequestExceptionNamingTheEndpoint()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();  // nothing listens there now: every connection is refused
        var remote = new OpenAiCompatibleBackend(new Uri($"http://127.0.0.1:{port}/v1"), "tiny", null, maxRetries: 1, timeout: TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => remote.ScoreAsync([("a", "b")]));
        Assert.Contains($"http://127.0.0.1:{port}/v1/completions could not be reached", e.Message);
    }

    [Fact]
    public async Task LongLists_GoInSeveralRequests_WithinTheSilosPromptLimit_InOrder()
    {
        // The silo allows 256 prompts a request; the scorer's 16 tasks send more. Split in threes here.
        var chunked = new OpenAiCompatibleBackend(new Uri(_silo.Url + "v1"), "tiny", SiloServer.Key, timeout: TimeSpan.FromSeconds(30), promptsPerRequest: 3);
        (string, string)[] pairs = [.. Enumerable.Range(0, 7).Select(i => ($"prompt {i}: ", $"answer {i}"))];
        Assert.Equal(await Remote().ScoreAsync(pairs), await chunked.ScoreAsync(pairs));
        string[] prompts = [.. Enumerable.Range(0, 7).Select(i => $"say {i}")];
        Assert.Equal(await Remote().GenerateAsync(prompts, 3), await chunked.GenerateAsync(prompts, 3));
    }

    [Fact]
    public async Task PromptUncertainty_ThroughTheSilo_IsFinite()
    {
        var task = new InstructionTask("t", "test", TaskFormat.Niv2, "Copy the input.", [new("ab", "ab"), new("cd", "cd")], [],
            [.. Enumerable.Range(0, 4).Select(i => new TaskInstance($"i{i}", $"x{i}", [$"x{i}"]))], [], [], [], null, new Dictionary<string, string>());
        var scores = await new PromptUncertaintyScorer(Remote(), new ScorerConfig(3, 3, MaxNewTokens: 4)).ScoreAsync(task);
        Assert.True(double.IsFinite(scores.PromptUncertainty) && scores.PromptUncertainty >= 0);
        Assert.InRange(scores.PredictionProbability, 0, 1);
    }

    [Fact]
    public void Cli_ScoreAndMapThroughTheSilo()
    {
        var key = new Dictionary<string, string?> { ["ACTIVEIT_BACKEND_KEY"] = SiloServer.Key };  // for these runs only
        var common = $"--pool p --data-dir {_dir}/cli";
        Assert.Equal(0, CliRunner.Run($"pool generate --rules 4 --instances 3 {common}").ExitCode);
        var scoring = $"--backend {_silo.Url}v1 --model tiny --model-version test --instances 2 --perturbations 2 --max-new-tokens 3";
        var score = CliRunner.Run($"score {common} {scoring}", key);
        Assert.True(score.ExitCode == 0, score.Stderr);
        Assert.Contains("4 tasks (4 scored now, 0 from cache)", score.Stdout);
        Assert.Contains("key tiny@test/", score.Stdout);
        var map = CliRunner.Run($"map {common} {scoring} --json", key);
        Assert.True(map.ExitCode == 0, map.Stderr);
    }

    [Fact]
    public async Task ScoreAndMap_WithSilo_ScoreTheSharedPoolOnTheSilo_Resumably()
    {
        var tasks = ActiveIT.Core.Rewriting.RewriteTaskSource.Tasks(new ActiveIT.Core.Rewriting.RewriteGenerator(ActiveIT.Core.Rewriting.RewriteGeneratorOptions.Demo), 5, 3, seed: 4);
        (await _silo.Client.PostAsJsonAsync("v1/pools/shared/tasks", tasks, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        Environment.SetEnvironmentVariable("ACTIVEIT_API_KEY", SiloServer.Key);
        const string options = "--pool shared --model tiny --instances 2 --perturbations 2 --max-new-tokens 3";

        var first = CliRunner.Run($"score {options} --silo {_silo.Url}");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("5 tasks (5 scored now, 0 from cache)", first.Stdout);
        var again = CliRunner.Run($"score {options} --silo {_silo.Url} --json");
        Assert.Equal(5, again.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\"cached\":true")));

        // A scoring run pins the pool version it was made at: the pool grows, and scoring it again is another run, of
        // the new version, which scores only the new tasks; the first run, started again, still reads its version.
        var more = ActiveIT.Core.Rewriting.RewriteTaskSource.Tasks(new ActiveIT.Core.Rewriting.RewriteGenerator(ActiveIT.Core.Rewriting.RewriteGeneratorOptions.Demo), 7, 3, seed: 4)
            .Where(t => tasks.All(o => o.Id != t.Id)).Take(2).ToArray();
        (await _silo.Client.PostAsJsonAsync("v1/pools/shared/tasks", more, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        var grown = CliRunner.Run($"score {options} --silo {_silo.Url}");
        Assert.True(grown.ExitCode == 0, grown.Stderr);
        Assert.Contains("7 tasks (2 scored now, 5 from cache)", grown.Stdout);
        var runs = (await _silo.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("v1/runs/scoring")).EnumerateArray()
            .ToDictionary(r => r.GetProperty("config").GetProperty("pool_version").GetInt64(), r => r.GetProperty("name").GetString()!);
        Assert.Equal([5L, 7L], runs.Keys.Order());
        Assert.StartsWith("shared.v5.tiny.", runs[5]);
        (await _silo.Client.PostAsync($"v1/runs/scoring/{runs[5]}/start", null)).EnsureSuccessStatusCode();
        var rerun = await _silo.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/runs/scoring/{runs[5]}");
        for (var wait = 0; rerun.GetProperty("status").GetString() != "completed" && wait < 1200; wait++)
        {
            await Task.Delay(50);
            rerun = await _silo.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/runs/scoring/{runs[5]}");
        }
        Assert.Equal((5, 5L), (rerun.GetProperty("result").GetProperty("tasks").GetInt32(), rerun.GetProperty("result").GetProperty("pool_version").GetInt64()));

        // The scores are in the silo's task grains, under the served file's hash: the same key a local `score --model FILE` uses.
        var version = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(_dir, "tiny.safetensors"))))[..16];
        var grains = _silo.Services.GetRequiredService<Orleans.IGrainFactory>();
        var cached = await new ActiveIT.Runs.Scoring.PoolScorer(grains, new LocalEngineBackend(_model, "tiny", version), new ScorerConfig(2, 2, MaxNewTokens: 3))
            .CachedAsync("shared");
        Assert.Equal(7, cached.Count);

        var map = CliRunner.Run($"map {options} --silo {_silo.Url} --json");
        Assert.True(map.ExitCode == 0, map.Stderr);
        Assert.Equal(7, System.Text.Json.JsonDocument.Parse(map.Stdout).RootElement.GetProperty("tasks").GetArrayLength());
        var missing = CliRunner.Run($"score --pool shared --model nope --silo {_silo.Url}");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("serves no model 'nope'", missing.Stderr);
    }

    [Fact]
    public async Task TaskMap_FromTheSilo_AsJsonAndSvg()
    {
        var tasks = ActiveIT.Core.Rewriting.RewriteTaskSource.Tasks(new ActiveIT.Core.Rewriting.RewriteGenerator(ActiveIT.Core.Rewriting.RewriteGeneratorOptions.Demo), 6, 3, seed: 2);
        (await _silo.Client.PostAsJsonAsync("v1/pools/m/tasks", tasks, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        var grains = _silo.Services.GetRequiredService<Orleans.IGrainFactory>();
        var config = new ScorerConfig(2, 2, MaxNewTokens: 3);
        var scored = await new ActiveIT.Runs.Scoring.PoolScorer(grains, new LocalEngineBackend(_model, "tiny", "v1"), config).ScoreAsync("m");

        var query = "model=tiny&version=v1&instances=2&perturbations=2&maxNewTokens=3";
        var json = await _silo.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/pools/m/map?{query}");
        Assert.Equal(6, json.GetProperty("tasks").GetArrayLength());
        // The other cached scores of each task come with the map, for a client to draw it on other axes: the scorer's own values.
        var axes = json.GetProperty("axes").EnumerateArray().ToDictionary(a => a.GetProperty("task_id").GetString()!);
        Assert.Equal(scored.Select(s => s.TaskId).Order(), axes.Keys.Order());
        foreach (var s in scored)
        {
            Assert.Equal(s.Perplexity, axes[s.TaskId].GetProperty("perplexity").GetDouble(), 9);
            Assert.Equal(s.LabelLoss!.Value, axes[s.TaskId].GetProperty("label_loss").GetDouble(), 9);
            Assert.Equal(s.Ifd!.Value, axes[s.TaskId].GetProperty("ifd").GetDouble(), 9);
        }
        var svg = System.Xml.Linq.XDocument.Parse(await _silo.Client.GetStringAsync($"v1/pools/m/map?{query}&format=svg"));
        Assert.Equal(6, svg.Descendants().Count(e => e.Name.LocalName == "title"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _silo.Client.GetAsync("v1/pools/m/map?model=tiny&version=v2")).StatusCode);
    }

    [Fact]
    public async Task ServerWithoutPromptLogprobs_IsRefusedWithClearError_AndTransientErrorsAreRetried()
    {
        // A stand-in for OpenAI's own endpoint (unreachable here), speaking its protocol: echo with logprobs is
        // rejected with its error body; the first request of all fails with 503 to exercise the retry policy.
        var requests = 0;
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/v1/completions", async (HttpContext context) =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                return Results.StatusCode(503);
            }
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
            if (body["echo"]?.GetValue<bool>() == true && body["logprobs"] is not null)
            {
                return Results.Json(new JsonObject { ["error"] = new JsonObject {
                    ["message"] = "echo is not supported with logprobs for this model", ["type"] = "invalid_request_error", ["param"] = "echo", ["code"] = null } }, statusCode: 400);
            }
            return Results.Json(new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = "ok", ["finish_reason"] = "length" }) });
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/";

        var remote = Remote(url);
        Assert.Equal(["ok"], await remote.GenerateAsync(["hi"], 2));
        Assert.Equal(2, requests);  // 503, then retried
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => remote.ScoreAsync([("a", "b")]));
        Assert.Contains("does not return prompt log-probabilities", e.Message);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _model.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
