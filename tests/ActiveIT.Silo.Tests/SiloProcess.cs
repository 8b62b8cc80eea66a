using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActiveIT.Silo.Tests;

/// <summary>The silo as its own process (activeit-silo.dll from the build output), so a test can kill it outright.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<SiloProcess> StartAsync(params string[] args)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "activeit-silo.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", $"--ActiveIT:ApiKeys:0={SiloServer.Key}", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
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
                    return new SiloProcess(process, client);
                }
            }
            catch (HttpRequestException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(100);
                continue;
            }
            throw new InvalidOperationException($"silo did not start (exit {(process.HasExited ? process.ExitCode : -1)})");
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        Client.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
