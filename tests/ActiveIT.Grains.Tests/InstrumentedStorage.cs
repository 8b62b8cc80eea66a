using System.Collections.Concurrent;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Tests;

/// <summary>
/// Wraps the silo's real grain storage (Orleans' ADO.NET provider): counts writes per state name, and can fail like
/// a crashed process after N writes.
/// </summary>
public sealed class InstrumentedStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private IGrainStorage? _inner;
    private int _writes;

    public ConcurrentDictionary<string, int> WritesByState { get; } = new();

    /// <summary>Writes attempted so far, failed ones included.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Writes after this many fail (the process "dies" mid-import); null = never.</summary>
    public int? FailAfterWrites { get; set; }

    /// <summary>Puts this wrapper in place of the silo's storage provider (the inner one is the ADO.NET provider the silo configured).</summary>
    public void InstallIn(ISiloBuilder silo) => silo.Services.AddKeyedSingleton<IGrainStorage>(SiloStorage.ProviderName, (sp, _) =>
    {
        // Behind the write gate, as the silo's own SQLite storage is: without it the parallel writers of an import
        // meet in SQLite's busy handler and deferred transactions (seen in CI: 60 s busy timeouts).
        _inner = new SqliteWriteGate(AdoNetGrainStorageFactory.Create(sp, SiloStorage.ProviderName));
        return this;
    });

    private IGrainStorage Inner => _inner ?? throw new InvalidOperationException("not installed in a silo");

    public void Participate(ISiloLifecycle lifecycle) => ((ILifecycleParticipant<ISiloLifecycle>)Inner).Participate(lifecycle);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Interlocked.Increment(ref _writes) > FailAfterWrites)
        {
            throw new IOException("simulated crash: storage unreachable");
        }
        WritesByState.AddOrUpdate(stateName, 1, (_, n) => n + 1);
        return Inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Inner.ClearStateAsync(stateName, grainId, grainState);
}
