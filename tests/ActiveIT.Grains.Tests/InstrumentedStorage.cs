using System.Collections.Concurrent;
using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Tests;

/// <summary>Wraps a real storage: counts writes per state type, and can fail like a crashed process after N writes.</summary>
public sealed class InstrumentedStorage(IGrainStorage inner) : IGrainStorage
{
    private int _writes;

    public ConcurrentDictionary<string, int> WritesByType { get; } = new();

    /// <summary>Writes after this many fail (the process "dies" mid-import); null = never.</summary>
    public int? FailAfterWrites { get; set; }

    public Task<StoredState?> ReadAsync(string stateType, string grainKey, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stateType, grainKey, cancellationToken);

    public Task<string> WriteAsync(string stateType, string grainKey, string json, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _writes) > FailAfterWrites)
        {
            throw new IOException("simulated crash: storage unreachable");
        }
        WritesByType.AddOrUpdate(stateType, 1, (_, n) => n + 1);
        return inner.WriteAsync(stateType, grainKey, json, expectedEtag, cancellationToken);
    }

    public Task ClearAsync(string stateType, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default) =>
        inner.ClearAsync(stateType, grainKey, expectedEtag, cancellationToken);
}
