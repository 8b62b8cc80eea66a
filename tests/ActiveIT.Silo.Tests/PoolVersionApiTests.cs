using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Families;
using ActiveIT.Core.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// A pool's versions over HTTP and through the CLI against the silo: removal with its reason, history, diffs, reads
/// at a version, and an export that ends with an end record so a cut one is told from a whole one.
/// </summary>
public sealed class PoolVersionApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-pool-api-").FullName;
    private SiloServer _silo = null!;
    private InstructionTask[] _tasks = [];

    public async Task InitializeAsync()
    {
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data");
        _tasks = [.. FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 6, InstancesPerTask: 2, Families: ["copy", "reverse"]), seed: 4)];
        using var posted = await _silo.Client.PostAsJsonAsync("v1/pools/v/tasks?origin=first", _tasks, Json.Options);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    private static Dictionary<string, string?> Key => new() { ["ACTIVEIT_API_KEY"] = SiloServer.Key };

    [Fact]
    public async Task Remove_History_Diff_AndReadsAtAVersion()
    {
        using var removed = await _silo.Client.DeleteAsync($"v1/pools/v/tasks/{_tasks[0].Id}?reason=ambiguous%20on%20the%20map");
        var version = await removed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(removed.StatusCode == HttpStatusCode.OK, version.ToString());
        Assert.Equal((7, 1, 5), (version.GetProperty("version").GetInt64(), version.GetProperty("removed").GetInt32(), version.GetProperty("tasks").GetInt32()));
        using var noReason = await _silo.Client.DeleteAsync($"v1/pools/v/tasks/{_tasks[1].Id}");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);

        var history = await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/v/history");
        Assert.Equal(["first", "remove"], history.EnumerateArray().Select(h => h.GetProperty("origin").GetString()));
        Assert.Equal("ambiguous on the map", history[1].GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(history[1].GetProperty("who").GetString()));  // the key's user
        var diff = await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/v/diff?from=6&to=7");
        Assert.Equal(_tasks[0].Id, diff.GetProperty("changes").EnumerateArray().Single().GetProperty("task_id").GetString());
        Assert.Equal(6, (await _silo.Client.GetFromJsonAsync<JsonElement>("v1/pools/v/stats?version=6")).GetProperty("tasks").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await _silo.Client.GetAsync($"v1/pools/v/tasks/{_tasks[0].Id}?version=6")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _silo.Client.GetAsync($"v1/pools/v/tasks/{_tasks[0].Id}")).StatusCode);
        using var inside = await _silo.Client.GetAsync("v1/pools/v/tasks?version=3");
        Assert.Equal(HttpStatusCode.BadRequest, inside.StatusCode);
        Assert.Contains("lies inside the change from 0 to 6", await inside.Content.ReadAsStringAsync());

        // The CLI against the silo reads the same.
        var cli = ActiveIT.Testing.CliRunner.Run($"pool history --pool v --silo {_silo.Url}", Key);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Contains("ambiguous on the map", cli.Stdout);
        var cliDiff = ActiveIT.Testing.CliRunner.Run($"pool diff --pool v --from 6 --to 7 --silo {_silo.Url}", Key);
        Assert.Contains("from version 6 to 7: 0 added, 0 updated, 1 removed", cliDiff.Stdout);
        var cliRemove = ActiveIT.Testing.CliRunner.Run($"pool remove --pool v --task {_tasks[1].Id},absent --reason duplicate --silo {_silo.Url}", Key);
        Assert.True(cliRemove.ExitCode == 0, cliRemove.Stderr);
        Assert.Contains("version 8: removed 1 of 2 named tasks (4 remain); reason: duplicate", cliRemove.Stdout);
    }

    [Fact]
    public async Task Export_NamesItsVersionAndCount_EndsWithAnEndRecord_AndTheCliWritesOnlyWholeExports()
    {
        using var response = await _silo.Client.GetAsync("v1/pools/v/export");
        Assert.Equal(("6", "6", "\"6\""), (response.Headers.GetValues("X-Pool-Version").Single(), response.Headers.GetValues("X-Pool-Tasks").Single(),
            response.Headers.ETag!.Tag));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        var end = JsonDocument.Parse(lines[^1]).RootElement.GetProperty("end");
        Assert.Equal(("v", 6L, 6), (end.GetProperty("pool").GetString(), end.GetProperty("version").GetInt64(), end.GetProperty("tasks").GetInt32()));

        var whole = Path.Combine(_dir, "whole");
        var ok = ActiveIT.Testing.CliRunner.Run($"pool export --pool v --version 6 --out {whole} --silo {_silo.Url}", Key);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("wrote 6 tasks of pool v at version 6", ok.Stdout);
        Assert.Equal(6, Directory.GetFiles(whole).Length);

        // A hop that ends the stream cleanly after three tasks (as an HTTP/1.0 proxy may): the CLI notices, says how far
        // it got, and leaves nothing behind.
        await using var proxy = await CuttingProxy.StartAsync(_silo, keepLines: 3);
        var cut = Path.Combine(_dir, "cut");
        var failed = ActiveIT.Testing.CliRunner.Run($"pool export --pool v --out {cut} --silo {proxy.Url}", Key);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("export of pool v at version 6 cut off after 3 of 6 tasks: the stream ended without its end record", failed.Stderr);
        Assert.False(Directory.Exists(cut) || Directory.Exists(cut + ".part"));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A loopback hop in front of the silo that passes an export's headers and first lines on, then ends the response normally.</summary>
    private sealed class CuttingProxy : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private CuttingProxy(WebApplication app) => _app = app;

        public string Url => _app.Urls.First() + "/";

        public static async Task<CuttingProxy> StartAsync(SiloServer silo, int keepLines)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Run(async context =>
            {
                using var upstream = await silo.Client.GetAsync(context.Request.Path + context.Request.QueryString, HttpCompletionOption.ResponseHeadersRead);
                context.Response.StatusCode = (int)upstream.StatusCode;
                foreach (var (name, values) in upstream.Headers.Concat(upstream.Content.Headers).Where(h => h.Key != "Transfer-Encoding"))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
                using var reader = new StreamReader(await upstream.Content.ReadAsStreamAsync());
                for (var i = 0; i < keepLines && await reader.ReadLineAsync() is { } line; i++)
                {
                    await context.Response.WriteAsync(line + "\n");
                }
            });
            await app.StartAsync();
            return new CuttingProxy(app);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
