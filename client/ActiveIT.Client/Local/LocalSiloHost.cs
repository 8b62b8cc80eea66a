using System.Runtime.InteropServices;
using ActiveIT.Grains.Hosting;
using ActiveIT.Runs;

namespace ActiveIT.Client.Local;

/// <summary>
/// `activeit local serve`: a data directory's local silo (every grain, over DATA/activeit.db), reached by the CLI's
/// processes through its gateway. It stops once no CLI process has been connected for the idle time
/// ($ACTIVEIT_LOCAL_IDLE_SECONDS, default 300), when DATA/silo.json is removed (`activeit local stop`) or the data
/// directory is, or on SIGTERM. Its log is DATA/silo.log.
/// </summary>
internal static class LocalSiloHost
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    public static TimeSpan IdleTimeout => TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("ACTIVEIT_LOCAL_IDLE_SECONDS"), out var seconds) && seconds > 0 ? seconds : 300);

    public static string LogPath(string dataDir) => Path.Combine(dataDir, "silo.log");

    public static string LastLogLines(string dataDir) => File.Exists(LogPath(dataDir))
        ? string.Join(" | ", File.ReadLines(LogPath(dataDir)).TakeLast(3))
        : "no log";

    public static async Task<int> RunAsync(string dataDir, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateDirectory(dataDir).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // A session of its own: Ctrl+C in the terminal that started it (SIGINT to the foreground process group)
            // stops that command, not the silo every other command of the data directory uses.
            _ = SetSid();
        }
        await using var log = new StreamWriter(LogPath(dir), append: true) { AutoFlush = true };
        void Log(string line) => log.WriteLine($"{DateTimeOffset.UtcNow:O} [{Environment.ProcessId}] {line}");
        EmbeddedSilo silo;
        try
        {
            silo = await EmbeddedSilo.StartSqliteAsync(dir, clusterId: "local", cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log($"could not start: {e.Message}");
            return ExitCodes.Failure;
        }
        await using (silo)
        {
            var file = new LocalSiloFile(Environment.ProcessId, silo.Endpoint.GatewayPort, silo.Endpoint.ClusterId, RunEnvironment.Version, DateTimeOffset.UtcNow);
            file.Write(dir);
            Log($"serving {dir} on gateway port {file.GatewayPort} (version {file.Version}); idle timeout {IdleTimeout.TotalSeconds:F0} s");
            var (why, clientsLock) = await ServeAsync(dir, file, cancellationToken);
            await using var _ = clientsLock;
            Log($"stopping: {why}");
            if (LocalSiloFile.Read(dir)?.Pid == Environment.ProcessId)
            {
                File.Delete(LocalSiloFile.PathIn(dir));
            }
            // The clients lock stays taken (when idle) until the silo has let go of the database: no client joins it meanwhile.
            await silo.DisposeAsync();
            Log("stopped");
        }
        return ExitCodes.Success;
    }

    /// <summary>Waits for a reason to stop; stopping for want of clients, it returns the clients lock it holds exclusively.</summary>
    private static async Task<(string Why, FileStream? ClientsLock)> ServeAsync(string dir, LocalSiloFile file, CancellationToken cancellationToken)
    {
        DateTime? idleSince = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!Directory.Exists(dir))
            {
                return ("the data directory is gone", null);
            }
            if (LocalSiloFile.Read(dir)?.Pid != file.Pid)
            {
                return ("silo.json was removed (activeit local stop)", null);
            }
            var alone = LocalLocks.TryTake(LocalLocks.Clients(dir), exclusive: true);
            if (alone is null)
            {
                idleSince = null;
            }
            else
            {
                idleSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - idleSince >= IdleTimeout)
                {
                    return ($"no client for {IdleTimeout.TotalSeconds:F0} s", alone);
                }
                await alone.DisposeAsync();
            }
            try
            {
                await Task.Delay(Tick, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return ("asked to stop", null);
    }

    [DllImport("libc", EntryPoint = "setsid")]
    private static extern int SetSid();
}
