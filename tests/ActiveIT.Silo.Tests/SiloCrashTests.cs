using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Silo.Tests;

public sealed class SiloCrashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-crash-").FullName;

    private static int Tasks(JsonElement stats) => stats.GetProperty("tasks").GetInt32();

    [Theory]
    [InlineData(50)]
    [InlineData(300)]
    [InlineData(900)]
    public async Task KilledDuringImport_RestartsBeforeOrAfterIt_NeverBetween(int killAfterMs)
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 });
        var baseline = RewriteTaskSource.Tasks(generator, 20, 2, seed: 1);
        var big = RewriteTaskSource.Tasks(generator, 3000, 20, seed: 2);
        string[] storage = ["--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}"];

        await using (var silo = await SiloProcess.StartAsync(storage))
        {
            (await silo.Client.PostAsJsonAsync("v1/pools/p/tasks", baseline, Json.Options)).EnsureSuccessStatusCode();
            var import = silo.Client.PostAsJsonAsync("v1/pools/p/tasks", big, Json.Options);
            await Task.Delay(killAfterMs);
            silo.Kill();
            try
            {
                (await import).Dispose();  // it may have finished before the kill: then the pool is "after"
            }
            catch (HttpRequestException)
            {
                // killed mid-request: the pool must be "before"
            }
        }

        await using var restarted = await SiloProcess.StartAsync(storage);
        var stats = await restarted.Client.GetFromJsonAsync<JsonElement>("v1/pools/p/stats");
        Assert.Contains(Tasks(stats), new[] { 20, 3020 });
        Assert.Equal(Tasks(stats), stats.GetProperty("version").GetInt32());
        var exported = (await restarted.Client.GetStringAsync("v1/pools/p/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Tasks(stats) + 1, exported.Length);  // the tasks, then the end record
        Assert.Equal(Tasks(stats), JsonDocument.Parse(exported[^1]).RootElement.GetProperty("end").GetProperty("tasks").GetInt32());

        // The interrupted import can simply be sent again.
        (await restarted.Client.PostAsJsonAsync("v1/pools/p/tasks", big, Json.Options)).EnsureSuccessStatusCode();
        Assert.Equal(3020, Tasks(await restarted.Client.GetFromJsonAsync<JsonElement>("v1/pools/p/stats")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
