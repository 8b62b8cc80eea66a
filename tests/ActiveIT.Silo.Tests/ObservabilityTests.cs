using ActiveIT.Grains.Runs;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActiveIT.Client.Output;
using ActiveIT.Core.Families;
using ActiveIT.Grains.Curriculum;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActiveIT.Silo.Tests;

/// <summary>The operations surface over real HTTP: health probes, the OpenAPI document and its page, Prometheus metrics.</summary>
public sealed class ObservabilityTests : IAsyncLifetime
{
    private const string AdminKey = "admin-key", ReaderKey = "reader-key";
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-ops-").FullName;
    private SiloServer _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:AdminKeys:0={AdminKey}",
            $"--ActiveIT:ReaderKeys:0={ReaderKey}", "--OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION=true");

    private HttpClient As(string? key)
    {
        var http = new HttpClient { BaseAddress = _silo.Client.BaseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }
        return http;
    }

    [Fact]
    public async Task Probes_AnswerOnlyAStatusWordWithoutAKey_AndTheDetailOnlyToAdmins()
    {
        using var anonymous = As(null);
        foreach (var path in new[] { "healthz", "readyz" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }

        using (var none = await anonymous.GetAsync("readyz/detail"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }
        using (var reader = As(ReaderKey))
        using (var refused = await reader.GetAsync("readyz/detail"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using var admin = As(AdminKey);
        var detail = await admin.GetFromJsonAsync<JsonElement>("readyz/detail");
        Assert.Equal("Healthy", detail.GetProperty("status").GetString());
        var checks = detail.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["cluster_membership", "grain_storage"], checks.Keys.Order());
        Assert.All(checks.Values, c =>
        {
            Assert.Equal("Healthy", c.GetProperty("status").GetString());
            Assert.True(c.GetProperty("duration_ms").GetDouble() >= 0);
        });
        Assert.Equal("grain storage answered a read", checks["grain_storage"].GetProperty("description").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryV1EndpointWithItsMethods_AndDescribesTheKey()
    {
        using var anonymous = As(null);
        using var response = await anonymous.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var paths = document.GetProperty("paths");
        var documented = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet(StringComparer.Ordinal);

        // The document writes a route without its constraints ({id:int} is {id}) or a trailing slash (a group's "").
        static string Path(string raw) => Regex.Replace(raw, @"\{\*?([^}:?=]+)[^}]*\}", "{$1}").TrimEnd('/');
        var mapped = _silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("v1/", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["(any)"])
                .Select(m => $"{m} {Path("/" + e.RoutePattern.RawText!.TrimStart('/'))}"))
            .ToList();
        Assert.True(mapped.Count > 20, $"only {mapped.Count} endpoints under /v1: {string.Join(", ", mapped)}");
        var missing = mapped.Where(m => !documented.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"mapped but not in the document: {string.Join(", ", missing)}");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("api_key");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("api_key", out _));
    }

    [Fact]
    public async Task ApiPage_AnswersHtml_WithItsScriptFromTheSiloNotACdn()
    {
        using var anonymous = As(null);
        using var page = await anonymous.GetAsync("scalar/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        var scripts = Regex.Matches(html, "<script[^>]*\\ssrc=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.False(Uri.TryCreate(src, UriKind.Absolute, out var u) && u.Scheme.StartsWith("http", StringComparison.Ordinal), src));
        long bytes = 0;
        foreach (var src in scripts)
        {
            using var script = await anonymous.GetAsync(new Uri(page.RequestMessage!.RequestUri!, src));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
            bytes += (await script.Content.ReadAsByteArrayAsync()).Length;
        }
        Assert.True(bytes > 500_000, $"{string.Join(", ", scripts)}: {bytes} bytes, too few to hold the page's bundle");  // it is megabytes
    }

    [Fact]
    public async Task Metrics_AfterATinyRun_CarryTheRunInstrumentsForReaders_AndNeedAKey()
    {
        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "ActiveIT",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => { lock (spans) { spans.Add(a.DisplayName); } },
        };
        ActivitySource.AddActivityListener(listener);

        var tasks = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 8, InstancesPerTask: 4, Families: ["copy", "reverse"]), seed: 1);
        (await _silo.Client.PostAsJsonAsync("v1/pools/p/tasks", tasks, Json.Options)).EnsureSuccessStatusCode();
        var config = new ExperimentConfig
        {
            Name = "metered", Pool = "p", Strategy = "prompt-uncertainty", InitialTasks = 2, TasksPerRound = 1, Rounds = 1, InstancesPerTask = 2,
            Evaluation = new() { Tasks = 2, InstancesPerTask = 2, MaxNewTokens = 4 }, Model = new() { Layers = 1, Heads = 2, DModel = 16, Context = 96 },
            Training = new() { Epochs = 1, BatchSize = 4, WarmupSteps = 1 }, Scoring = new() { Instances = 1, Perturbations = 1, MaxNewTokens = 4 },
        };
        (await _silo.Client.PostAsJsonAsync("v1/runs/curriculum", config, Json.Options)).EnsureSuccessStatusCode();
        (await _silo.Client.PostAsync("v1/runs/curriculum/metered/start", null)).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await _silo.Client.GetFromJsonAsync<Experiment>("v1/runs/curriculum/metered", Json.Options))! is { Status: not RunStatus.Completed } e)
        {
            Assert.True(e.Status is not RunStatus.Failed, e.Error);
            Assert.True(DateTime.UtcNow < deadline, $"stuck: {e.Status}, {e.Progress}");
            await Task.Delay(50);
        }

        using (var anonymous = As(null))
        using (var refused = await anonymous.GetAsync("metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using var reader = As(ReaderKey);
        using var response = await reader.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n');
        // Labels in any order (the exporter adds its own, otel_scope_name among them); a value above 0.
        void HasSample(string metric, params string[] labels) => Assert.True(lines.Any(l => l.StartsWith(metric + "{", StringComparison.Ordinal)
            && labels.All(l.Contains) && double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 0),
            $"no {metric} {string.Join(",", labels)} above 0 in:\n{string.Join("\n", lines.Where(l => l.StartsWith("activeit", StringComparison.Ordinal)))}");
        HasSample("activeit_runs_started_total", "kind=\"curriculum\"");
        HasSample("activeit_runs_ended_total", "kind=\"curriculum\"", "status=\"completed\"");
        HasSample("activeit_curriculum_rounds_total");
        HasSample("activeit_training_tokens_total");
        HasSample("activeit_scoring_tasks_total");
        Assert.Contains("http_server_request_duration_seconds", text);  // ASP.NET Core's, beside ours
        lock (spans)
        {
            Assert.Contains("curriculum round", spans);
            Assert.Contains("score tasks", spans);
        }
    }

    [Fact]
    public async Task RequestSpans_LeaveOutTheDashboardKey_EvenWithQueryRedactionOff()
    {
        var port = _silo.Client.BaseAddress!.Port;
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("server.port") is int p && p == port)
                {
                    lock (spans) { spans.Add(a); }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var anonymous = As(null);
        (await anonymous.GetAsync("dashboard/?api_key=secret-in-query&page=2")).Dispose();
        // ASP.NET's instrumentation is one per process, configured by the first silo of this test process to start: the
        // query redaction this silo turns off may be on, so only the key's absence is asserted, not other queries' presence.
        (await anonymous.GetAsync("v1/pools?page=2")).Dispose();

        // A request's span stops after its response is sent, so the client may see the answer first.
        int Seen()
        {
            lock (spans)
            {
                return spans.Count(a => a.GetTagItem("url.path") is "/dashboard/" or "/v1/pools");
            }
        }
        for (var waited = 0; waited < 100 && Seen() < 2; waited++)
        {
            await Task.Delay(50);
        }
        lock (spans)
        {
            var dashboard = Assert.Single(spans, a => (a.GetTagItem("url.path") as string)?.StartsWith("/dashboard", StringComparison.Ordinal) == true);
            Assert.DoesNotContain(dashboard.TagObjects, t => t.Value?.ToString()?.Contains("secret-in-query", StringComparison.Ordinal) == true);
        }
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
