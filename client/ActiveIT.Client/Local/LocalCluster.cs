using System.Diagnostics;
using ActiveIT.Grains.Hosting;
using ActiveIT.Runs;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActiveIT.Client.Local;

/// <summary>
/// A data directory is served by one silo, its local silo (<see cref="LocalSiloHost"/>): a background process that
/// the first CLI process to need it starts, and that stops when no CLI process has used it for a while. Every CLI
/// process is an Orleans client of it, so two commands on one data directory at once meet in the same grains.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly IHost _client;
    private readonly FileStream _membership;

    private LocalCluster(IHost client, FileStream membership) => (_client, _membership) = (client, membership);

    public IGrainFactory Grains => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>--data-dir, else $ACTIVEIT_DATA, else ~/.activeit.</summary>
    public static string DataDir(string? option) => Path.GetFullPath(option ?? Environment.GetEnvironmentVariable("ACTIVEIT_DATA")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".activeit"));

    /// <summary>Connects to the data directory's local silo, starting it first when none serves the directory.</summary>
    public static async Task<LocalCluster> ConnectAsync(string? dataDirOption, CancellationToken cancellationToken = default)
    {
        var dir = Directory.CreateDirectory(DataDir(dataDirOption)).FullName;
        await RetireOlderSiloAsync(dir, cancellationToken);
        // Held from before the silo is looked up until this client is gone: a silo never stops under a client.
        var membership = await LocalLocks.TakeAsync(LocalLocks.Clients(dir), exclusive: false, StartTimeout, cancellationToken);
        try
        {
            var silo = LocalSiloFile.Read(dir) is { } file && SqliteFileLock.IsHeld(EmbeddedSilo.DatabasePath(dir))
                ? file
                : await StartAsync(dir, cancellationToken);
            return new LocalCluster(await ClientAsync(silo, cancellationToken), membership);
        }
        catch
        {
            await membership.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A local silo of another build of ActiveIT (the code was rebuilt since it started) is stopped when no client uses
    /// it, so the grains run this build's code; while another process still uses it, it serves on and this says so.
    /// </summary>
    private static async Task RetireOlderSiloAsync(string dir, CancellationToken cancellationToken)
    {
        if (LocalSiloFile.Read(dir) is not { } silo || silo.Version == RunEnvironment.Version)
        {
            return;
        }
        await using var alone = LocalLocks.TryTake(LocalLocks.Clients(dir), exclusive: true);
        if (alone is null)
        {
            Console.Error.WriteLine($"activeit: the local silo of {dir} runs version {silo.Version} (this is {RunEnvironment.Version}); " +
                                    "it is replaced once the commands using it end (`activeit local stop` stops it now)");
            return;
        }
        File.Delete(LocalSiloFile.PathIn(dir));  // asks it to stop
        var deadline = DateTime.UtcNow + StartTimeout;
        while (SqliteFileLock.IsHeld(EmbeddedSilo.DatabasePath(dir)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<IHost> ClientAsync(LocalSiloFile silo, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client => client.UseLocalhostClustering(silo.GatewayPort, SiloStorage.ServiceId, silo.ClusterId))
            .ConfigureLogging(logging => logging.ClearProviders())
            .Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>Starts the local silo (one process at a time) and waits until it serves.</summary>
    private static async Task<LocalSiloFile> StartAsync(string dir, CancellationToken cancellationToken)
    {
        await using var starting = await LocalLocks.TakeAsync(LocalLocks.Start(dir), exclusive: true, StartTimeout, cancellationToken);
        if (LocalSiloFile.Read(dir) is { } started && SqliteFileLock.IsHeld(EmbeddedSilo.DatabasePath(dir)))
        {
            return started;  // another process started it while this one waited
        }
        if (SqliteFileLock.IsHeld(EmbeddedSilo.DatabasePath(dir)))
        {
            throw new InvalidOperationException($"{dir} is served by a silo that is not a local one (an `activeit-silo` over its database?): use --silo URL");
        }
        File.Delete(LocalSiloFile.PathIn(dir));
        var process = Process.Start(new ProcessStartInfo(DotnetHost(), [typeof(LocalCluster).Assembly.Location, "local", "serve", "--data-dir", dir])
        {
            // Nothing inherited: a silo holding its starter's terminal or pipes open would keep them from closing.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start the local silo process");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (LocalSiloFile.Read(dir) is { } file && file.Pid == process.Id)
            {
                return file;
            }
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the local silo for {dir} stopped as it started (exit {process.ExitCode}): {LocalSiloHost.LastLogLines(dir)}");
            }
            if (DateTime.UtcNow > deadline)
            {
                process.Kill();
                throw new InvalidOperationException($"the local silo for {dir} did not start within {StartTimeout.TotalSeconds:F0} s: {LocalSiloHost.LastLogLines(dir)}");
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The dotnet host that runs activeit.dll (the one running this process when it is dotnet itself).</summary>
    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.StopAsync();
        }
        finally
        {
            _client.Dispose();
            await _membership.DisposeAsync();
        }
    }
}
