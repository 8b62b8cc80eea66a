using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Families;
using Microsoft.Playwright;

namespace ActiveIT.Silo.Tests.Web;

/// <summary>
/// One silo process (SQLite) with three users made through the keys API — alice and bob (researchers), rita (reader) —
/// and an admin key from configuration; a pool of 24 tasks of the demo's families; and Debian's Chromium driven by Playwright. Pages'
/// screenshots go to artifacts/web (ACTIVEIT_ARTIFACTS overrides), kept after the run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkbenchCollection : ICollectionFixture<WorkbenchFixture>
{
    public const string Name = "workbench";
}

public sealed class WorkbenchFixture : IAsyncLifetime
{
    public const string AdminKey = "workbench-admin";
    public const string Chromium = "/usr/bin/chromium";
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-web-").FullName;
    private SiloProcess? _silo;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string Url { get; private set; } = "";
    public Dictionary<string, string> Keys { get; } = [];

    /// <summary>Browser contexts opened by the current test; closed after it, so no page of it keeps polling.</summary>
    public List<IBrowserContext> Contexts { get; } = [];
    public HttpClient Admin => _silo!.Client;
    public string Artifacts { get; } = Environment.GetEnvironmentVariable("ACTIVEIT_ARTIFACTS") is { Length: > 0 } a ? a
        : Path.Combine(InfraScript.RepositoryRoot(), "artifacts", "web");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Artifacts);
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        SiloServer.SaveTinyModel(models);  // served as "tiny": what a local format transfer writes with
        _silo = await SiloProcess.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}", $"--ActiveIT:AdminKeys:0={AdminKey}",
            $"--ActiveIT:ModelDir={models}", "--ActiveIT:EngineThreads=1");
        Url = _silo.Client.BaseAddress!.ToString().TrimEnd('/');
        _silo.Client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        foreach (var (user, role) in new[] { ("alice", "researcher"), ("bob", "researcher"), ("rita", "reader") })
        {
            using var made = await _silo.Client.PostAsJsonAsync("v1/keys", new { user, role });
            made.EnsureSuccessStatusCode();
            Keys[user] = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }
        // The demo's kind of pool: tasks of several families (its categories), so the map has something to filter.
        var tasks = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 24, InstancesPerTask: 8), seed: 5);
        using (var imported = await _silo.Client.PostAsJsonAsync("v1/pools/families/tasks", tasks, Json.Options))
        {
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        }

        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: infra/setup.sh --with-tests installs Debian's chromium");
        _playwright = await Playwright.CreateAsync();
        // As root in a sandbox-less container, with no network: no sandbox, no GPU, none of Chromium's own background calls.
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A new tab of its own (own sessionStorage), signed in as <paramref name="user"/>.</summary>
    public async Task<IPage> SignedInAsync(string user)
    {
        var page = await (await NewContextAsync()).NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("[data-test=key]", user == "admin" ? AdminKey : Keys[user]);
        await page.ClickAsync("[data-test=sign-in]");
        await Assertions.Expect(page.Locator("[data-test=who]")).ToContainTextAsync(user == "admin" ? "admin-0" : user);
        return page;
    }

    /// <summary>The API as <paramref name="user"/> (their key).</summary>
    public HttpClient ClientFor(string user)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url + "/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Keys[user]);
        return client;
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Url, ViewportSize = new() { Width = 1360, Height = 900 } });
        Contexts.Add(context);
        return context;
    }

    public Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = fullPage });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
