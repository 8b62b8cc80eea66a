using System.Diagnostics;
using System.Text.Json;

namespace ActiveIT.Silo.Tests;

/// <summary>`activeit transfer run` as its own process, killed mid-run and run again: nothing answered is asked twice.</summary>
public sealed class TransferCliTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-transfer-cli-").FullName;
    private ChatStandIn _server = null!;

    public async Task InitializeAsync() => _server = await ChatStandIn.StartAsync();

    /// <summary>
    /// The CLI's own build output (built with these tests, in their configuration), run with `dotnet` as the activeit
    /// script runs it. The copy next to these tests cannot run alone: this project takes ASP.NET Core as a framework,
    /// so the packages the CLI brings itself are not copied here.
    /// </summary>
    private static string CliPath()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        return Path.Combine(InfraScript.RepositoryRoot(), "client", "ActiveIT.Client", "bin", framework.Parent!.Name, framework.Name, "activeit.dll");
    }

    private static Process Start(string arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliPath());
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["ACTIVEIT_BACKEND_KEY"] = "sk-test-cli";
        info.Environment.Remove("OPENAI_API_KEY");
        info.Environment.Remove("ACTIVEIT_SILO");
        return Process.Start(info)!;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string arguments, TimeSpan limit)
    {
        using var process = Start(arguments);
        var stdout = Task.Run(() => process.StandardOutput.ReadToEndAsync());
        var stderr = Task.Run(() => process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"activeit {arguments} did not finish in {limit}: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task KilledRun_ResumesWithoutAskingAgain()
    {
        var common = $"--data-dir {_dir}/data";
        var generate = await RunAsync($"pool generate --rules 3 --instances 6 --pool src {common}", TimeSpan.FromMinutes(3));
        Assert.True(generate.ExitCode == 0, generate.Stderr);

        _server.Delay = TimeSpan.FromMilliseconds(300);
        var transfer = $"transfer run --pool src --out-pool out --backend {_server.Endpoint} --model gpt-4o-mini --candidates 4 --no-denoise {common}";
        using (var first = Start(transfer))
        {
            // Read by the process's own event threads: a pipe read awaited here can hold the test's thread.
            var stderr = new System.Text.StringBuilder();
            first.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);
            first.OutputDataReceived += (_, _) => { };
            first.BeginErrorReadLine();
            first.BeginOutputReadLine();
            var waited = Stopwatch.StartNew();
            while (_server.Served < 3 && !first.HasExited && waited.Elapsed < TimeSpan.FromMinutes(3))
            {
                Thread.Sleep(10);
            }
            Assert.False(first.HasExited, $"the run ended before it was killed (exit {(first.HasExited ? first.ExitCode : 0)}): {stderr}");
            Assert.True(_server.Served >= 3, "the run never got three answers");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var atKill = _server.Arrived.Count;
        Assert.InRange(atKill, 3, 11);  // killed mid-run

        var second = await RunAsync(transfer + " --json", TimeSpan.FromMinutes(3));
        Assert.True(second.ExitCode == 0, second.Stderr + second.Stdout);
        var state = JsonDocument.Parse(second.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("completed", state.GetProperty("status").GetString());
        Assert.Equal(3, state.GetProperty("outcomes").EnumerateObject().Count(o => o.Value.GetProperty("status").GetString() == "transferred"));

        var arrived = _server.Arrived;
        var distinct = arrived.Select(r => (r.LastUser, r.Seed)).Distinct().Count();
        Assert.Equal(3 * 4, distinct);
        Assert.True(arrived.Count - distinct <= 1, $"{arrived.Count - distinct} requests were asked again ({atKill} before the kill, {arrived.Count} in all)");

        var status = await RunAsync($"transfer status --out-pool out {common} --json", TimeSpan.FromMinutes(3));
        Assert.True(status.ExitCode == 0, status.Stderr);
        var read = JsonDocument.Parse(status.Stdout.Trim()).RootElement;
        Assert.Equal("completed", read.GetProperty("status").GetString());
        Assert.InRange(read.GetProperty("requests").GetInt64(), 12, 13);
        Assert.Equal(arrived.Count, _server.Arrived.Count);  // reading asks nothing
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
