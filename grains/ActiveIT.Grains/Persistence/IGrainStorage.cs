namespace ActiveIT.Grains.Persistence;

/// <summary>
/// Where grain state lives (Orleans: <c>IGrainStorage</c>). Writes and clears are conditional on the ETag the
/// caller read (null: "there was no state"); a mismatch throws <see cref="InconsistentStateException"/> and changes nothing.
/// </summary>
public interface IGrainStorage
{
    Task<StoredState?> ReadAsync(string stateType, string grainKey, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="json"/> if the stored ETag equals <paramref name="expectedEtag"/>; returns the new ETag.</summary>
    Task<string> WriteAsync(string stateType, string grainKey, string json, string? expectedEtag, CancellationToken cancellationToken = default);

    Task ClearAsync(string stateType, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default);
}
