using Orleans.Runtime;

namespace ActiveIT.Grains.Storage;

/// <summary>
/// One silo per SQLite file: a silo over SQLite is a cluster of one, so a second silo on the same file would be a
/// second cluster writing the same grains. The silo holds an exclusive lock on "DATABASE.lock" from its first
/// lifecycle stage to its last (the operating system lets go of it when the process dies, however it dies); a second
/// silo refuses to start. Processes that want the data join that silo instead
/// (the CLI does: client/ActiveIT.Client/Local).
/// </summary>
public sealed class SqliteFileLock(string databasePath) : ILifecycleParticipant<ISiloLifecycle>
{
    private FileStream? _lock;

    public static string PathOf(string databasePath) => databasePath + ".lock";

    /// <summary>Whether a live silo holds the file now (the answer can change the moment after).</summary>
    public static bool IsHeld(string databasePath)
    {
        try
        {
            using var probe = Open(databasePath);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(SqliteFileLock), ServiceLifecycleStage.First, Acquire, Release);

    private async Task Acquire(CancellationToken cancellationToken)
    {
        // A moment's patience: IsHeld's probe (a CLI process asking whether a silo serves the file) holds the lock for
        // the microseconds of an open and close, and must not make a silo that is starting give up.
        for (var attempt = 0; _lock is null; attempt++)
        {
            try
            {
                _lock = Open(databasePath);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (IOException)
            {
                // (Who holds it cannot be read here: .NET's own read of a file takes a shared lock, which the holder's excludes.)
                throw new InvalidOperationException($"{databasePath} is served by another silo: one SQLite database has one silo; " +
                    "connect to that one (the CLI does so by itself) or stop it first");
            }
        }
    }

    private Task Release(CancellationToken cancellationToken)
    {
        _lock?.Dispose();
        _lock = null;
        return Task.CompletedTask;
    }

    // FileShare.None takes an exclusive lock (flock on Unix) that a second opener, in this process or another, is refused.
    private static FileStream Open(string databasePath) => new(PathOf(databasePath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
