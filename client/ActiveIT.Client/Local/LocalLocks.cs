namespace ActiveIT.Client.Local;

/// <summary>
/// The advisory file locks of a data directory (flock on Unix: the operating system drops them when a process dies,
/// however it dies). "clients.lock": every CLI process connected to the local silo holds it shared; the silo takes it
/// exclusive to know it has no client, and keeps it while it stops, so no client joins a silo that is going away.
/// "start.lock": exclusive while one CLI process starts the silo, so two processes never start two.
/// </summary>
internal static class LocalLocks
{
    public static string Clients(string dataDir) => Path.Combine(dataDir, "clients.lock");

    public static string Start(string dataDir) => Path.Combine(dataDir, "start.lock");

    /// <summary>The lock, or null when another process holds it in a way that excludes this one.</summary>
    public static FileStream? TryTake(string path, bool exclusive)
    {
        try
        {
            // .NET maps FileShare.None to an exclusive flock and other shares to a shared one (taken for read access on any file system).
            return exclusive
                ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                : new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits for the lock (polling: flock's blocking form is not exposed), up to <paramref name="timeout"/>.</summary>
    public static async Task<FileStream> TakeAsync(string path, bool exclusive, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (TryTake(path, exclusive) is { } taken)
            {
                return taken;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new IOException($"{path} stayed locked for {timeout.TotalSeconds:F0} s (a local silo that does not stop? `activeit local status`)");
            }
            await Task.Delay(50, cancellationToken);
        }
    }
}
