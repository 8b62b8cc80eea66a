using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActiveIT.Testing;

/// <summary>Runs the repository's infra/ scripts (the same ones a user runs) and finds free loopback ports.</summary>
public static class InfraScript
{
    /// <summary>Runs infra/SCRIPT with the arguments; returns its standard output, or throws with its standard error.</summary>
    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var path = Path.Combine(RepositoryRoot(), "infra", script);
        var info = new ProcessStartInfo("bash", [path, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"infra/{script} {string.Join(' ', args)} failed: {await stderr}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActiveIT.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("ActiveIT.sln not found above the test binaries");
    }
}
