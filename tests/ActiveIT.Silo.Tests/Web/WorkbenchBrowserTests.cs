using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ActiveIT.Client.Output;
using ActiveIT.Core.Families;
using ActiveIT.Grains.Pools;
using ActiveIT.Silo.Access;
using ActiveIT.Silo.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActiveIT.Silo.Tests.Web;

/// <summary>
/// The web workbench in a real browser (Debian's Chromium, headless, through Playwright) against a silo process: what
/// each role sees and may do, an upload, a task, a smoke experiment whose curve grows while a second user watches, and
/// the task map, removals from a pool with their history; and the page's API session against a stand-in silo that fails
/// on purpose. The tests share the silo, each making what it needs under its own names, and run alone (no other
/// test class at the same time: a smoke run's timing on two cores is what they watch).
/// </summary>
[Collection(WorkbenchCollection.Name)]
public sealed class WorkbenchBrowserTests(WorkbenchFixture web) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in web.Contexts)
        {
            await context.CloseAsync();
        }
        web.Contexts.Clear();
    }

    [Fact]
    public async Task SignIn_RefusesAnUnknownKey_KeepsTheKeyInTheTabOnly()
    {
        var context = await web.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await web.ScreenshotAsync(page, "sign-in");
        await page.FillAsync("[data-test=key]", "not-a-key");
        await page.ClickAsync("[data-test=sign-in]");
        await Expect(page.Locator("[data-test=sign-in-error]")).ToContainTextAsync("no such key");

        await page.FillAsync("[data-test=key]", web.Keys["alice"]);
        await page.ClickAsync("[data-test=sign-in]");
        await Expect(page.Locator("[data-test=who]")).ToContainTextAsync("alice");
        await Expect(page.Locator("[data-test=who]")).ToContainTextAsync("researcher");
        Assert.DoesNotContain(web.Keys["alice"], page.Url);
        // Kept in this tab's sessionStorage (encrypted), so a reload stays signed in; never as plain text, never in a
        // cookie (the one cookie is Blazor's antiforgery token).
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify(sessionStorage)");
        Assert.Contains("activeit.key", stored);
        Assert.DoesNotContain(web.Keys["alice"], stored);
        Assert.All(await context.CookiesAsync(), c => Assert.DoesNotContain(web.Keys["alice"], c.Value));
        await page.ReloadAsync();
        await Expect(page.Locator("[data-test=who]")).ToContainTextAsync("alice");

        // Another tab of another context knows nothing of it.
        var other = await (await web.NewContextAsync()).NewPageAsync();
        await other.GotoAsync("/experiments");
        await Expect(other.Locator("[data-test=key]")).ToBeVisibleAsync();
        await page.ClickAsync("text=Sign out");
        await Expect(page.Locator("[data-test=key]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Researcher_ImportsAFileByUpload_AllOrNothing_AndOpensATask()
    {
        var page = await web.SignedInAsync("alice");
        var file = Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().First();
        var id = Path.GetFileNameWithoutExtension(file);
        await page.FillAsync("[data-test=upload-pool]", "uploaded");
        await page.SetInputFilesAsync("[data-test=upload-file]", file);
        await page.ClickAsync("[data-test=upload]");
        await Expect(page).ToHaveURLAsync(new Regex("/pools/uploaded$"));
        await Expect(page.Locator("[data-test=stats]")).ToContainTextAsync("1 tasks");
        await Expect(page.Locator("[data-test=tasks]")).ToContainTextAsync(id);

        // A broken file: refused whole, its error names the file and the place; the pool is as it was.
        var bad = Path.Combine(Path.GetTempPath(), $"task9999_broken_{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(bad, "{\"Definition\": [\"x\"], \"Instances\": [{\"id\": \"a\", \"input\": 5}]}");
        await page.SetInputFilesAsync("[data-test=upload-file]", bad);
        await page.ClickAsync("[data-test=upload]");
        await Expect(page.Locator("[data-test=error]")).ToContainTextAsync(Path.GetFileName(bad));
        await Expect(page.Locator("[data-test=stats]")).ToContainTextAsync("1 tasks");
        await web.ScreenshotAsync(page, "pool");
        File.Delete(bad);

        await page.ClickAsync($"[data-test=tasks] a:text-is('{id}')");
        await Expect(page.Locator("[data-test=task-id]")).ToHaveTextAsync(id);
        await Expect(page.Locator("[data-test=definition]")).Not.ToBeEmptyAsync();
        Assert.True(await page.Locator("[data-test=instances] tbody tr").CountAsync() > 0);
        await web.ScreenshotAsync(page, "task", fullPage: false);

        await page.GotoAsync("/");
        await Expect(page.Locator("[data-test=pools]")).ToContainTextAsync("uploaded");
        await web.ScreenshotAsync(page, "pools");
    }

    [Fact]
    public async Task Researcher_RunsASmokeExperiment_WhileAReaderWatchesItLive_ThenTheTaskMap()
    {
        var reader = await web.SignedInAsync("rita");
        await reader.GotoAsync("/experiments");
        await Expect(reader.Locator("h1")).ToHaveTextAsync("Experiments");
        await Expect(reader.Locator("[data-test=experiment-form]")).ToHaveCountAsync(0);  // a reader creates nothing

        var page = await web.SignedInAsync("alice");
        await page.GotoAsync("/experiments");
        await page.FillAsync("[data-test=f-name]", "smoke-pu");
        await page.FillAsync("[data-test=f-pool]", "families");
        await page.SelectOptionAsync("[data-test=f-strategy]", "prompt-uncertainty");
        await page.FillAsync("[data-test=f-rounds]", "-1");
        await page.ClickAsync("[data-test=create]");
        await Expect(page.Locator("[data-test=error-rounds]")).ToContainTextAsync("must be 0-1000");  // next to its field
        await page.FillAsync("[data-test=f-rounds]", "2");
        await page.FillAsync("[data-test=f-per-round]", "3");
        await page.FillAsync("[data-test=f-seeds]", "1, 2");
        await page.ClickAsync("[data-test=create]");
        await Expect(page.Locator("[data-test=created]")).ToContainTextAsync("smoke-pu");

        // The reader's open list shows alice's new experiment without a reload, with its owner and no buttons.
        var readerRow = reader.Locator("tr[data-experiment=smoke-pu]");
        await Expect(readerRow).ToContainTextAsync("alice");
        await Expect(readerRow.Locator("button")).ToHaveCountAsync(0);

        await page.Locator("tr[data-experiment=smoke-pu] [data-test=start]").ClickAsync();
        await Expect(page.Locator("tr[data-experiment=smoke-pu] [data-test=status]")).ToHaveTextAsync(new Regex("queued|running"));
        await page.GotoAsync("/experiments/smoke-pu");
        await Expect(page.Locator("[data-test=owner]")).ToHaveTextAsync("alice");
        // The curve grows while the page stays open: some frame shows a partial curve (checked in the browser at every
        // animation frame, so no drawn state is missed), and later, with no reload, the whole one.
        var points = page.Locator("#curve .scatterlayer .trace .points path");
        await page.WaitForFunctionAsync("() => { const n = document.querySelectorAll('#curve .scatterlayer .trace .points path').length; return n > 0 && n < 6; }",
            null, new PageWaitForFunctionOptions { Timeout = 360_000 });
        await Expect(page.Locator("[data-test=status]")).ToHaveTextAsync("completed", new LocatorAssertionsToHaveTextOptions { Timeout = 360_000 });
        await Expect(points).ToHaveCountAsync(6);  // rounds 0, 1, 2 of two seeds
        await Expect(page.Locator("[data-test=rounds]")).ToContainTextAsync("prompt-uncertainty");
        // The run page lists how this run differs from the paper, the paper's value beside ours.
        await Expect(page.Locator("[data-test=deviations] tr", new() { HasText = "training.learning_rate" })).ToContainTextAsync("5e-5");
        await web.ScreenshotAsync(page, "experiment");
        await Expect(readerRow.Locator("[data-test=status]")).ToHaveTextAsync("completed");
        await web.ScreenshotAsync(reader, "experiments");

        // Two draws of random selection on the same config (made through the API), for the compare chart and its baseline.
        using (var api = web.ClientFor("alice"))
        {
            var config = (await api.GetFromJsonAsync<ActiveIT.Grains.Curriculum.Experiment>("v1/runs/curriculum/smoke-pu", ActiveIT.Client.Output.Json.Options))!.Config
                with { Name = "smoke-random", Strategy = "random" };
            foreach (var draw in new[] { config, config with { Name = "smoke-random-draw2", SelectionDraw = 1 } })
            {
                (await api.PostAsJsonAsync("v1/runs/curriculum", draw, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
                (await api.PostAsync($"v1/runs/curriculum/{draw.Name}/start", null)).EnsureSuccessStatusCode();
            }
        }
        foreach (var name in new[] { "smoke-random", "smoke-random-draw2" })
        {
            await Expect(reader.Locator($"tr[data-experiment={name}] [data-test=status]")).ToHaveTextAsync("completed",
                new LocatorAssertionsToHaveTextOptions { Timeout = 360_000 });
        }
        await page.GotoAsync("/compare");
        await Expect(page.Locator("#compare .scatterlayer .trace .points path")).ToHaveCountAsync(9);  // three experiments' means, 3 rounds each
        await Expect(page.Locator("#compare .legend")).ToContainTextAsync("smoke-random-draw2");
        Assert.True(await page.Locator("#compare .scatterlayer .trace .fills path").CountAsync() >= 3, "no ± std band drawn");  // two seeds each
        // The ranking pairs each experiment by seed at round 2 (both seeds) with the baseline — by default the mean of the two
        // random draws: a gain, its interval, what it cost. The page's numbers are the CLI's for the same records.
        await Expect(page.Locator("[data-baseline=smoke-random]")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-baseline=smoke-random-draw2]")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-baseline=smoke-pu]")).Not.ToBeCheckedAsync();
        await Expect(page.Locator("tr[data-ranking='smoke-random+smoke-random-draw2']")).ToContainTextAsync("random (mean of 2 draws)");
        var puRow = page.Locator("tr[data-ranking=smoke-pu]");
        await Expect(puRow).ToContainTextAsync(new Regex(@"prompt-uncertainty\s*2\s*2\s*[-+]?\d+\.\d\d\s*\[-?\d+\.\d\d, -?\d+\.\d\d\]"));
        var cli = ActiveIT.Testing.CliRunner.Run($"experiment compare smoke-pu smoke-random smoke-random-draw2 --baseline smoke-random,smoke-random-draw2 --json --silo {web.Url}",
            new Dictionary<string, string?> { ["ACTIVEIT_API_KEY"] = web.Keys["alice"] });
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        var round2 = System.Text.Json.JsonDocument.Parse(cli.Stdout).RootElement.GetProperty("paired").EnumerateArray()
            .Single(p => p.GetProperty("experiment").GetString() == "smoke-pu" && p.GetProperty("round").GetInt32() == 2 && p.GetProperty("category").GetString() == "(overall)");
        await Expect(puRow.Locator("td").Nth(4)).ToHaveTextAsync(round2.GetProperty("mean").GetDouble().ToString("+0.00;-0.00;0.00", System.Globalization.CultureInfo.InvariantCulture));
        await web.ScreenshotAsync(page, "compare");
        // One draw alone as the baseline: the other draw is ranked against it, and the mean's row is gone.
        await page.Locator("[data-baseline=smoke-random-draw2]").UncheckAsync();
        await Expect(page.Locator("tr[data-ranking=smoke-random-draw2]")).ToContainTextAsync("random");
        await Expect(page.Locator("tr[data-ranking=smoke-random]")).ToContainTextAsync("(baseline)");
        await Expect(page.Locator("tr[data-ranking=smoke-pu]")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("[data-test=endpoint]", "curve");
        await Expect(page.Locator("tr[data-ranking=smoke-pu]")).ToContainTextAsync(new Regex(@"prompt-uncertainty\s*2\s*2\s*[-+]?\d+\.\d\d"));

        // The PU strategy scored the pool with each round's model: the map has them. Hover names a task; the category
        // filter narrows the points; a click opens the task.
        await page.GotoAsync("/pools/families/map");
        var map = page.Locator("#task-map .scatterlayer .trace .points path");
        // Points, or the page's word on why there are none (no scores, an API error): a failure then says which.
        await Expect(page.Locator("#task-map .scatterlayer .trace .points path, [data-test=no-scores], [data-test=error]").First)
            .ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(await map.CountAsync() > 0, $"no points on the task map; the page: {await page.Locator("main").InnerTextAsync()}");
        await Expect(map.First).ToBeVisibleAsync();
        var all = await map.CountAsync();
        Assert.True(all >= 10, $"{all} points");
        await map.First.HoverAsync(new LocatorHoverOptions { Force = true });
        await Expect(page.Locator("#task-map .hoverlayer")).ToContainTextAsync("prompt uncertainty");
        var hovered = await page.Locator("#task-map .hoverlayer .hovertext").First.TextContentAsync();
        await web.ScreenshotAsync(page, "task-map");
        // The families pool carries its injected ambiguity and noise: the page checks the map against them on request.
        await page.CheckAsync("[data-test=truth-toggle]");
        await Expect(page.Locator("[data-test=truth-tasks]")).ToHaveTextAsync($"{all} tasks");  // every task of the pool has its ground truth
        foreach (var row in await page.Locator("[data-test=truth-ranks] tr[data-rank]").AllInnerTextsAsync())
        {
            Assert.Matches(@"^(noisy|ambiguous)\s+\S.*\s+\d+\s+\d+\s+\d+\s+\d\.\d\d\s+\d\.\d\d\s+\d\.\d\d$", row);
        }
        foreach (var row in await page.Locator("[data-test=truth-check] tr[data-truth]").AllInnerTextsAsync())
        {
            Assert.Matches(@"^(noisy|ambiguous)\s+\d+\s+(ambiguous|easy|difficult)\s+\d+\s+\d+\s+\d\.\d\d\s+\d\.\d\d$", row);
        }
        // Checked, the map marks the injected tasks; and it is drawn on any two of the cached scores: label loss against IFD
        // (every task of the families pool has references, so all stay on the map), the hover naming both and the truth.
        await Expect(page.Locator("[data-test=map-marks]")).ToBeVisibleAsync();
        await page.SelectOptionAsync("[data-test=axis-x]", "label-loss");
        await page.SelectOptionAsync("[data-test=axis-y]", "ifd");
        await Expect(page.Locator("#task-map .xtitle")).ToHaveTextAsync("label loss");
        await Expect(page.Locator("#task-map .ytitle")).ToHaveTextAsync("IFD");
        await Expect(map).ToHaveCountAsync(all);
        await map.First.HoverAsync(new LocatorHoverOptions { Force = true });
        await Expect(page.Locator("#task-map .hoverlayer")).ToContainTextAsync(new Regex(@"label loss [\d.e+-]+IFD [\d.e+-]+injected: (none|noisy|ambiguous)"));
        await web.ScreenshotAsync(page, "task-map-truth");
        await page.SelectOptionAsync("[data-test=axis-x]", "prompt-uncertainty");
        await page.SelectOptionAsync("[data-test=axis-y]", "prediction-probability");
        await Expect(page.Locator("#task-map .xtitle")).ToHaveTextAsync("prompt uncertainty (cube-root axis)");
        await page.UncheckAsync("[data-test=truth-toggle]");
        await Expect(page.Locator("[data-test=truth-ranks]")).ToHaveCountAsync(0);
        var category = (await page.Locator("[data-test=category-filter] option").AllTextContentsAsync()).Skip(1).First();
        await page.SelectOptionAsync("[data-test=category-filter]", category);
        await Expect(page.Locator("[data-test=map-count]")).Not.ToHaveTextAsync($"{all} tasks shown");
        var shown = int.Parse((await page.Locator("[data-test=map-count]").TextContentAsync())!.Split(' ')[0]);
        Assert.InRange(shown, 1, all - 1);
        await Expect(map).ToHaveCountAsync(shown);  // the chart redraws with the filtered points
        // Plotly takes pointer events on its drag layer, above the points: move there, then click where the point is.
        var box = (await map.First.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Expect(page.Locator("#task-map .hoverlayer .hovertext")).ToHaveCountAsync(1);
        var pointed = await page.Locator("#task-map .hoverlayer .hovertext").TextContentAsync();
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Expect(page).ToHaveURLAsync(new Regex("/pools/families/tasks/"));
        var opened = Uri.UnescapeDataString(page.Url.Split('/')[^1]);
        Assert.Contains($"{opened}prompt uncertainty", pointed);  // the task under the pointer is the one that opened
        await Expect(page.Locator("[data-test=task-id]")).ToHaveTextAsync(opened);
        Assert.Contains("prompt uncertainty", hovered);

        // "Remove these" on one map category: refused while the pool is the admin's, with the API's reason; done once
        // the admin shares it, as one version that names the category and the scores, and the map reloads without them.
        await page.GotoAsync("/pools/families/map");
        await page.SelectOptionAsync("[data-test=remove-category]", "difficult");
        await Expect(page.Locator("[data-test=remove-reason]")).ToHaveValueAsync(new Regex(@"^task map: difficult under \S+@\S+/"));
        var removeThese = page.Locator("[data-test=remove-these]");
        var difficult = int.Parse(Regex.Match((await removeThese.TextContentAsync())!, @"\d+").Value);
        Assert.InRange(difficult, 1, all - 1);
        await removeThese.ClickAsync();
        await Expect(page.Locator("[data-test=error]")).ToContainTextAsync("alice may not write pool 'families': it belongs to admin-0");
        (await web.Admin.PutAsJsonAsync("v1/pools/families/access", new { editors = new[] { "alice" } })).EnsureSuccessStatusCode();
        await removeThese.ClickAsync();
        await Expect(page.Locator("[data-test=removed]")).ToHaveTextAsync(new Regex($@"Removed {difficult} tasks in version \d+"));
        await Expect(page.Locator("[data-test=map-count]")).ToHaveTextAsync($"{all - difficult} tasks shown");
        await Expect(map).ToHaveCountAsync(all - difficult);
        var removal = (await web.Admin.GetFromJsonAsync<List<PoolVersion>>("v1/pools/families/history", Json.Options))![^1];
        Assert.Equal((difficult, "alice"), (removal.Removed, removal.Who));
        Assert.StartsWith("task map: difficult under ", removal.Reason);
        await web.ScreenshotAsync(page, "task-map-removed");
    }

    [Fact]
    public async Task Researcher_RemovesATaskWithAReason_TheHistoryShowsIt_AndAPageReadBeforeAChangeRemovesNothing()
    {
        using var api = web.ClientFor("alice");
        var tasks = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 4, InstancesPerTask: 2), seed: 13);
        (await api.PostAsJsonAsync("v1/pools/pruned/tasks", tasks, Json.Options)).EnsureSuccessStatusCode();  // alice's: she made it
        string TaskPage(int i) => $"/pools/pruned/tasks/{Uri.EscapeDataString(tasks[i].Id)}";

        var page = await web.SignedInAsync("alice");
        await page.GotoAsync(TaskPage(0));
        await page.FillAsync("[data-test=remove-reason]", "duplicates another family's task");
        await page.ClickAsync("[data-test=remove-task]");
        await Expect(page.Locator("[data-test=removed]")).ToContainTextAsync("version");
        var removal = (await api.GetFromJsonAsync<List<PoolVersion>>("v1/pools/pruned/history", Json.Options))![^1];
        Assert.Equal(("alice", "duplicates another family's task", 1, 3), (removal.Who, removal.Reason, removal.Removed, removal.Tasks));
        await Expect(page.Locator("[data-test=removed]")).ToContainTextAsync($"version {removal.Version}");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"v1{TaskPage(0)}")).StatusCode);

        await page.ClickAsync("a:text-is('← pool pruned')");
        await Expect(page.Locator("[data-test=access]")).ToContainTextAsync("Owner alice");
        var newest = page.Locator("[data-test=history] tbody tr").First;  // newest first
        await Expect(newest).ToHaveAttributeAsync("data-version", removal.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(newest).ToContainTextAsync("duplicates another family's task");
        await Expect(newest).ToContainTextAsync("alice");
        await Expect(page.Locator("[data-test=history] tbody tr")).ToHaveCountAsync(2);  // the import, the removal
        await web.ScreenshotAsync(page, "pool-history");

        // A page that read the pool before someone else changed it: the removal is refused with the API's words, nothing goes.
        await page.GotoAsync(TaskPage(1));
        await Expect(page.Locator("[data-test=remove-task]")).ToBeVisibleAsync();
        using (var elsewhere = await api.DeleteAsync($"v1{TaskPage(2)}?reason=changed+elsewhere"))
        {
            elsewhere.EnsureSuccessStatusCode();
        }
        await page.FillAsync("[data-test=remove-reason]", "stale view");
        await page.ClickAsync("[data-test=remove-task]");
        await Expect(page.Locator("[data-test=error]")).ToContainTextAsync(new Regex(@"\(412\): pool 'pruned' is at version \d+, not \d+: nothing was applied"));
        await Expect(page.Locator("[data-test=removed]")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"v1{TaskPage(1)}")).StatusCode);

        // Another researcher is offered the form, and the API's refusal says whose pool it is.
        var bob = await web.SignedInAsync("bob");
        await bob.GotoAsync(TaskPage(1));
        await bob.FillAsync("[data-test=remove-reason]", "not mine");
        await bob.ClickAsync("[data-test=remove-task]");
        await Expect(bob.Locator("[data-test=error]")).ToContainTextAsync("bob may not write pool 'pruned': it belongs to alice");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"v1{TaskPage(1)}")).StatusCode);
    }

    [Fact]
    public async Task Session_RetriesA503AndALostReply_WithOneIdempotencyKeyAndItsIfMatch_ButNotAnUnkeyedPost()
    {
        // A stand-in silo wired as the workbench is (its session calls its own address) that fails on purpose.
        var seen = new ConcurrentQueue<(string Path, string? Key, string IfMatch, string Body)>();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddWorkbench();
        await using var app = builder.Build();
        async Task<int> SeenAsync(HttpContext c)
        {
            seen.Enqueue((c.Request.Path.Value!, c.Request.Headers["Idempotency-Key"].FirstOrDefault(), c.Request.Headers.IfMatch.ToString(),
                await new StreamReader(c.Request.Body).ReadToEndAsync()));
            return seen.Count(s => s.Path == c.Request.Path.Value);
        }
        app.MapGet("/v1/me", () => new Caller.Me("alice", "researcher", "k1"));
        app.MapPost("/v1/pools/p/remove", async (HttpContext c) =>
        {
            switch (await SeenAsync(c))
            {
                case 1:
                    c.Response.Headers.RetryAfter = "0";
                    return Results.StatusCode(503);
                case 2:
                    c.Abort();  // applied, say, but the reply is lost
                    return Results.Empty;
                default:
                    return Results.Ok(new PoolVersion(8, 7, 0, 0, 1, 3, "remove", "alice", "why", DateTimeOffset.UtcNow));
            }
        });
        app.MapPost("/v1/runs/curriculum", async (HttpContext c) =>
        {
            await SeenAsync(c);
            return Results.StatusCode(503);
        });
        await app.StartAsync();
        using var scope = app.Services.CreateScope();
        var session = scope.ServiceProvider.GetRequiredService<WorkbenchSession>();
        Assert.Null(await session.TrySignInAsync("k", remember: false));

        var removed = await session.PostJsonAsync<PoolVersion>("/v1/pools/p/remove", new { task_ids = new[] { "t" }, reason = "why" }, ifVersion: 7);
        Assert.Equal(8, removed.Version);
        var tries = seen.Where(s => s.Path == "/v1/pools/p/remove").ToList();
        Assert.Equal(3, tries.Count);
        Assert.Single(tries.Select(t => (t.Key, t.IfMatch, t.Body)).Distinct());
        Assert.Equal("\"7\"", tries[0].IfMatch);
        Assert.True(Guid.TryParse(tries[0].Key, out _), tries[0].Key);
        await session.PostJsonAsync<PoolVersion>("/v1/pools/p/remove", new { task_ids = new[] { "t" }, reason = "why" });
        var next = seen.Last();
        Assert.NotEqual(tries[0].Key, next.Key);  // a new logical write, a new key
        Assert.Equal("", next.IfMatch);

        // The runs API keeps no keys: a 503 there is the user's to retry, not the page's.
        var e = await Assert.ThrowsAsync<ApiError>(() => session.PostJsonAsync<object>("/v1/runs/curriculum", new { name = "x" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.Single(seen, s => s.Path == "/v1/runs/curriculum");
    }

    [Fact]
    public async Task OnlyTheOwnerOrAnAdmin_IsOfferedAnotherUsersRun_AndTheApiAgrees()
    {
        var alice = await web.SignedInAsync("alice");
        await alice.GotoAsync("/experiments");
        // As JSON: the form's config to edit; a field of the wrong type is refused saying where, then the fixed one goes in.
        await alice.FillAsync("[data-test=f-name]", "alices-run");
        await alice.FillAsync("[data-test=f-pool]", "families");
        await alice.CheckAsync("[data-test=as-json]");
        var json = await alice.InputValueAsync("[data-test=f-json]");
        Assert.Contains("\"name\": \"alices-run\"", json);
        await alice.FillAsync("[data-test=f-json]", json.Replace("\"rounds\": 2", "\"rounds\": \"two\""));
        await alice.ClickAsync("[data-test=create]");
        await Expect(alice.Locator("[data-test=form-errors]")).ToContainTextAsync("$.rounds");
        await alice.FillAsync("[data-test=f-json]", json);
        await alice.ClickAsync("[data-test=create]");
        await Expect(alice.Locator("tr[data-experiment=alices-run] [data-test=start]")).ToBeVisibleAsync();

        var bob = await web.SignedInAsync("bob");
        await bob.GotoAsync("/experiments");
        var row = bob.Locator("tr[data-experiment=alices-run]");
        await Expect(row).ToContainTextAsync("alice");
        await Expect(row.Locator("button")).ToHaveCountAsync(0);
        await Expect(bob.Locator("[data-test=experiment-form]")).ToBeVisibleAsync();  // bob may make his own
        await web.ScreenshotAsync(bob, "experiments-as-another-researcher");
        await bob.GotoAsync("/experiments/alices-run");
        await Expect(bob.Locator("[data-test=owner]")).ToHaveTextAsync("alice");
        await Expect(bob.Locator("[data-test=delete]")).ToHaveCountAsync(0);

        var reader = await web.SignedInAsync("rita");
        await reader.GotoAsync("/experiments/alices-run");
        await Expect(reader.Locator("[data-test=owner]")).ToHaveTextAsync("alice");
        await Expect(reader.Locator("button:text-is('Cancel'), button:text-is('Start'), button:text-is('Delete')")).ToHaveCountAsync(0);
        await reader.GotoAsync("/pools/families");
        await Expect(reader.Locator("[data-test=tasks]")).ToBeVisibleAsync();
        await Expect(reader.Locator("[data-test=upload-form]")).ToHaveCountAsync(0);

        // What the page hides, the API refuses: bob's and rita's keys on alice's run.
        foreach (var (user, expected) in new[] { ("bob", "belongs to alice"), ("rita", "needs the researcher role") })
        {
            using var client = new HttpClient { BaseAddress = new Uri(web.Url + "/") };
            client.DefaultRequestHeaders.Authorization = new("Bearer", web.Keys[user]);
            using var cancel = await client.PostAsync("v1/runs/curriculum/alices-run/cancel", null);
            Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
            Assert.Contains(expected, await cancel.Content.ReadAsStringAsync());
        }

        var admin = await web.SignedInAsync("admin");
        await admin.GotoAsync("/experiments/alices-run");
        await admin.ClickAsync("[data-test=delete]");
        await Expect(admin).ToHaveURLAsync(new Regex("/experiments$"));
        await Expect(admin.Locator("tr[data-experiment=alices-run]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Transfers_ShowEachTasksCandidates()
    {
        // A local transfer with the served, untrained "tiny" model: its candidates do not parse, which the page must show too.
        var tasks = ActiveIT.Core.Families.FamilyTaskSource.Tasks(new ActiveIT.Core.Families.FamilyPoolOptions(Tasks: 3, InstancesPerTask: 4), seed: 9);
        (await web.Admin.PostAsJsonAsync("v1/pools/mini/tasks", tasks, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        using (var run = await web.Admin.PostAsJsonAsync("v1/runs/transfer", new { pool = "mini", out_pool = "mini-niv2", model = "tiny", candidates = 2, max_tokens = 12, denoise = false }))
        {
            Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
        }
        var page = await web.SignedInAsync("rita");
        await page.GotoAsync("/transfers");
        await Expect(page.Locator("[data-test=transfers] [data-test=status]")).ToHaveTextAsync("created");
        (await web.Admin.PostAsync("v1/runs/transfer/mini-niv2/start", null)).EnsureSuccessStatusCode();
        // The list follows the run as the worker executes it, without a reload.
        await Expect(page.Locator("[data-test=transfers] [data-test=status]")).ToHaveTextAsync("completed", new() { Timeout = 120_000 });
        await page.ClickAsync("[data-test=transfers] a:text-is('mini-niv2')");
        await Expect(page.Locator("[data-test=transfer-task]")).ToHaveCountAsync(3);
        await page.Locator("[data-test=transfer-task] summary").First.ClickAsync();
        await Expect(page.Locator("[data-test=transfer-task]").First.Locator("tbody tr")).ToHaveCountAsync(2);
        await web.ScreenshotAsync(page, "transfers");
    }

    [Fact]
    public async Task RunsPage_FollowsAScoringRunLive_BesideTheOtherKinds()
    {
        var tasks = ActiveIT.Core.Families.FamilyTaskSource.Tasks(new ActiveIT.Core.Families.FamilyPoolOptions(Tasks: 4, InstancesPerTask: 4), seed: 11);
        (await web.Admin.PostAsJsonAsync("v1/pools/scored/tasks", tasks, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        (await web.Admin.PostAsJsonAsync("v1/runs/scoring", new { pool = "scored", model = "tiny", instances = 2, perturbations = 2, max_new_tokens = 4, name = "web-score" }))
            .EnsureSuccessStatusCode();

        var page = await web.SignedInAsync("rita");
        await page.GotoAsync("/runs");
        var row = page.Locator("[data-test=runs] tr[data-run='scoring/web-score']");
        await Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("created");
        (await web.Admin.PostAsync("v1/runs/scoring/web-score/start", null)).EnsureSuccessStatusCode();
        // The page follows the run as a silo's worker executes it, without a reload.
        await Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("completed", new() { Timeout = 120_000 });
        await Expect(row.Locator("[data-test=progress]")).ToHaveTextAsync("score 4/4");
        await web.ScreenshotAsync(page, "runs");
    }

    [Fact]
    public async Task ADiversityRunOfTheCli_IsFollowedLiveAndDrawn_AndOnlyItsOwnerMayDeleteIt()
    {
        var page = await web.SignedInAsync("rita");
        await page.GotoAsync("/diversity");
        var dir = Directory.CreateTempSubdirectory("activeit-div-").FullName;
        // The CLI as its own process, with alice's key in its environment only: it runs the experiment as a run of the silo.
        var cli = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "activeit.dll"), "diversity",
            "--instructions", "2,8", "--seeds", "1,2", "--budget", "64", "--epochs", "1", "--batch-size", "16", "--test-rules", "8", "--test-examples", "20",
            "--layers", "1", "--heads", "2", "--d-model", "32", "--out", dir, "--silo", web.Url, "--name", "tiny-diversity"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["ACTIVEIT_API_KEY"] = web.Keys["alice"] },
        };
        using (var process = System.Diagnostics.Process.Start(cli)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
        }
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, "results.csv")).Length);
        Directory.Delete(dir, recursive: true);

        // The list page, opened before the run existed, shows it without a reload.
        var row = page.Locator("[data-test=diversity-runs] tr[data-run='tiny-diversity']");
        await Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("completed");
        await Expect(row).ToContainTextAsync("alice");
        await Expect(row).ToContainTextAsync("4/4");
        await page.ClickAsync("[data-test=diversity-runs] a:text-is('tiny-diversity')");
        await Expect(page.Locator("[data-test=diversity-summary] tbody tr")).ToHaveCountAsync(2);  // 2 instruction counts, 2 seeds each
        await Expect(page.Locator("#diversity .scatterlayer .trace .points path")).ToHaveCountAsync(4);  // unseen and seen, 2 points each
        await Expect(page.Locator("[data-test=diversity-convergence]")).ToContainTextAsync("UNCONVERGED");
        await Expect(page.Locator("[data-test=delete]")).ToHaveCountAsync(0);
        await web.ScreenshotAsync(page, "diversity");

        // The runs API's rules, as for every kind: another researcher may not delete it; a config that cannot run names its field.
        using var bob = new HttpClient { BaseAddress = new Uri(web.Url + "/") };
        bob.DefaultRequestHeaders.Authorization = new("Bearer", web.Keys["bob"]);
        using var delete = await bob.DeleteAsync("v1/runs/diversity/tiny-diversity");
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Contains("belongs to alice", await delete.Content.ReadAsStringAsync());
        using var bad = await bob.PostAsJsonAsync("v1/runs/diversity", new { name = "bobs", config = new { seeds = new[] { 3, 3 } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("config.seeds lists a seed twice", await bad.Content.ReadAsStringAsync());
    }
}
