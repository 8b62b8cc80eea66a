using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Storage;

/// <summary>
/// SQLite admits one writer at a time. Concurrent writers of the silo (an import stores 8 task grains at once)
/// otherwise meet in SQLite's busy handler, which sleeps in steps of up to 100 ms; queueing them on a semaphore here
/// keeps the file busy instead (measured: docs/pool.md). The silo is the file's only writer (<see cref="SqliteFileLock"/>).
/// </summary>
public sealed class SqliteWriteGate(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
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
        finally
        {
            _gate.Release();
        }
    }
}
