using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// The lifecycle every run kind shares, on one silo whose worker runs two at once: runs of two users side by side,
/// each owned by its creator; a cancel that stops a running transfer at its next step; a start that resumes it.
/// </summary>
public sealed class RunLifecycleTests : IAsyncLifetime
{
    private const string BobKey = "bob-key";
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-runs-").FullName;
    private SiloServer _silo = null!;
    private HttpClient _bob = null!;

    public async Task InitializeAsync()
    {
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        using (var tiny = Engine.GptModel.Create(new Engine.ModelConfig(Engine.ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 2048, RotaryDim: 8), seed: 9))
        {
            tiny.Save(Path.Combine(models, "tiny.safetensors"));
        }
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={models}",
            $"--ActiveIT:ApiKeys:1={BobKey}", "--ActiveIT:MaxConcurrentExperiments=2", "--ActiveIT:EngineThreads=1");
        _bob = new HttpClient { BaseAddress = _silo.Client.BaseAddress };
        _bob.DefaultRequestHeaders.Authorization = new("Bearer", BobKey);
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 8, 6, seed: 5);
        (await _silo.Client.PostAsJsonAsync("v1/pools/src/tasks", tasks, Client.Output.Json.Options)).EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> GetAsync(string path) => await _silo.Client.GetFromJsonAsync<JsonElement>(path);

    private async Task<JsonElement> WaitAsync(string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var run = await GetAsync(path);
            if (done(run))
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{path} stuck: {run}");
            await Task.Delay(50);
        }
    }

    private static string Status(JsonElement run) => run.GetProperty("status").GetString()!;

    [Fact]
    public async Task TwoUsers_TwoKindsOfRun_RunAtOnce_EachOwnedByItsCreator()
    {
        var transfer = new { pool = "src", out_pool = "alice-out", model = "tiny", candidates = 4, max_tokens = 48, denoise = false };
        (await _silo.Client.PostAsJsonAsync("v1/runs/transfer", transfer)).EnsureSuccessStatusCode();
        var scoring = new { pool = "src", model = "tiny", instances = 4, perturbations = 4, max_new_tokens = 24, name = "bobs" };
        (await _bob.PostAsJsonAsync("v1/runs/scoring", scoring)).EnsureSuccessStatusCode();
        (await _silo.Client.PostAsync("v1/runs/transfer/alice-out/start", null)).EnsureSuccessStatusCode();
        (await _bob.PostAsync("v1/runs/scoring/bobs/start", null)).EnsureSuccessStatusCode();

        using (var refused = await _bob.PostAsync("v1/runs/transfer/alice-out/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("belongs to key-0", await refused.Content.ReadAsStringAsync());
        }

        var alices = await WaitAsync("v1/runs/transfer/alice-out", r => Status(r) == "completed");
        var bobs = await WaitAsync("v1/runs/scoring/bobs", r => Status(r) == "completed");
        Assert.Equal(("key-0", 8), (alices.GetProperty("owner").GetString(), alices.GetProperty("outcomes").EnumerateObject().Count()));
        Assert.Equal(("key-1", 8), (bobs.GetProperty("owner").GetString(), bobs.GetProperty("result").GetProperty("tasks").GetInt32()));
        // Both ran at once, the worker's two slots holding one run of each user: each one's session began before the other
        // finished. Read from the records, not by polling for both "running", which a loaded machine could poll past.
        static (DateTimeOffset Start, DateTimeOffset End) Span(JsonElement run) =>
            (run.GetProperty("sessions").EnumerateArray().Single().GetProperty("started_at").GetDateTimeOffset(), run.GetProperty("updated_at").GetDateTimeOffset());
        var (a, b) = (Span(alices), Span(bobs));
        Assert.True(a.Start < b.End && b.Start < a.End, $"not at once: transfer {a}, scoring {b}");
    }

    [Fact]
    public async Task Cancel_StopsARunningTransferAtItsNextStep_AndStartResumesIt()
    {
        var transfer = new { pool = "src", out_pool = "cancelled-out", model = "tiny", candidates = 4, max_tokens = 48, denoise = false };
        (await _silo.Client.PostAsJsonAsync("v1/runs/transfer", transfer)).EnsureSuccessStatusCode();
        (await _silo.Client.PostAsync("v1/runs/transfer/cancelled-out/start", null)).EnsureSuccessStatusCode();
        await WaitAsync("v1/runs/transfer/cancelled-out", r => r.GetProperty("requests").GetInt64() >= 1);

        using (var cancel = await _silo.Client.PostAsync("v1/runs/transfer/cancelled-out/cancel", null))
        {
            Assert.Equal("cancelled", Status(await cancel.Content.ReadFromJsonAsync<JsonElement>()));
        }
        // The runner stops at its next write and lets go of the run; nothing more is asked after that.
        var stopped = await WaitAsync("v1/runs/transfer/cancelled-out", r => r.GetProperty("runner").ValueKind == JsonValueKind.Null);
        Assert.Equal("cancelled", Status(stopped));
        await Task.Delay(1000);
        var later = await GetAsync("v1/runs/transfer/cancelled-out");
        Assert.Equal(stopped.GetProperty("requests").GetInt64(), later.GetProperty("requests").GetInt64());
        Assert.True(later.GetProperty("outcomes").EnumerateObject().Count() < 8);

        (await _silo.Client.PostAsync("v1/runs/transfer/cancelled-out/start", null)).EnsureSuccessStatusCode();
        var done = await WaitAsync("v1/runs/transfer/cancelled-out", r => Status(r) == "completed");
        Assert.Equal(8, done.GetProperty("outcomes").EnumerateObject().Count());
        Assert.InRange(done.GetProperty("requests").GetInt64(), 32, 33);  // a candidate asked when the cancel came may be asked again
        Assert.Equal(2, done.GetProperty("sessions").GetArrayLength());
    }

    public async Task DisposeAsync()
    {
        _bob.Dispose();
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
