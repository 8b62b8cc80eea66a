using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Storage;

/// <summary>
/// SQLite admits one writer at a time. Concurrent writers in one process (an import stores 8 task grains at once)
/// otherwise meet in SQLite's busy handler, which sleeps in steps of up to 100 ms; queueing them on a semaphore here
/// keeps the file busy instead (measured: docs/pool.md). Writers in other processes still meet the busy handler.
/// <para>
/// Orleans' vendored SQLite write script opens its transaction with a plain, deferred BEGIN. When a write fails
/// inside it (SQLITE_BUSY on the lock upgrade, with another process writing the same file), its connection goes back
/// to the pool still inside that transaction, holding the lock: every later writer waits out the busy timeout, then
/// fails with "cannot start a transaction within a transaction". After a failed write the gate therefore closes the
/// file's idle pooled connections, which rolls such a transaction back and frees the lock.
/// </para>
/// </summary>
public sealed class SqliteWriteGate(IGrainStorage inner, string connectionString) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Participate(ISiloLifecycle lifecycle) => ((ILifecycleParticipant<ISiloLifecycle>)inner).Participate(lifecycle);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GatedAsync(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GatedAsync(() => inner.ClearStateAsync(stateName, grainId, grainState));

    private async Task GatedAsync(Func<Task> write)
    {
        await _gate.WaitAsync();
        try
        {
            await write();
        }
        catch
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString))
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
            }
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }
}
