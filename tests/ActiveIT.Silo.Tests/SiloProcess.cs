using System.Diagnostics;

namespace ActiveIT.Silo.Tests;

/// <summary>The silo as its own process (activeit-silo.dll from the build output), so a test can kill it outright.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SiloLog _output;

    private SiloProcess(Process process, SiloLog output, HttpClient client, int siloPort)
    {
        _process = process;
        _output = output;
        ProcessId = process.Id;
        Client = client;
        SiloPort = siloPort;
    }

    public HttpClient Client { get; }

    /// <summary>The Orleans silo port: a silo address ("127.0.0.1:PORT@…") names this process.</summary>
    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, which a run session's runner id carries ("MACHINE:PID:…").</summary>
    public int ProcessId { get; }

    public static async Task<SiloProcess> StartAsync(params string[] args)
    {
        var port = InfraScript.FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "activeit-silo.dll");
        // Every silo of a machine needs its own Orleans ports; free ones unless the test names them.
        var siloPort = InfraScript.FreePort();
        string[] ports = [$"--ActiveIT:SiloPort={siloPort}", $"--ActiveIT:GatewayPort={InfraScript.FreePort()}"];
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", $"--ActiveIT:ApiKeys:0={SiloServer.Key}", .. ports, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        // Kept for a failing test's message: a silo's log is the only account of what it did.
        var output = new SiloLog();
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", SiloServer.Key);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync("v1/pools/ping/stats");
                if (response.IsSuccessStatusCode)
                {
                    return new SiloProcess(process, output, client, siloPort);
                }
                // A silo joining a cluster that has just lost a member may answer 503 until membership settles.
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && attempt < 600)
                {
                    await Task.Delay(100);
                    continue;
                }
            }
            catch (HttpRequestException) when (attempt < 600 && !process.HasExited)
            {
                await Task.Delay(100);
                continue;
            }
            throw new InvalidOperationException($"silo did not start (exit {(process.HasExited ? process.ExitCode : -1)}):\n{output.Tail(KeptLines)}");
        }
    }

    private const int KeptLines = 400;
    private bool _disposed;

    /// <summary>
    /// What the silo logged at error level (every such entry, with its exception) and its last <paramref name="lines"/>
    /// lines, headed by its port and process id: short enough that a failing test's message stays readable in CI's tail.
    /// </summary>
    public string RecentOutput(int lines = 30) =>
        $"--- silo 127.0.0.1:{SiloPort}, pid {ProcessId}: errors logged ---\n{_output.Errors()}\n" +
        $"--- silo 127.0.0.1:{SiloPort}, pid {ProcessId}: last {lines} lines ---\n{_output.Tail(lines)}";

    /// <summary>SIGKILL: no shutdown hooks, no flushing — a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;  // a test may dispose a killed silo early and again with the rest
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            Kill();
        }
        Client.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
