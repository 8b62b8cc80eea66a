namespace ActiveIT.Grains.Persistence;

/// <summary>The ETag rules every provider shares: what a lost race reports, and what clearing "no state" means.</summary>
internal static class StorageConflicts
{
    /// <summary>The exception for a conditional write that matched no row, with the ETag actually stored.</summary>
    public static async Task<InconsistentStateException> ConflictAsync(IGrainStorage storage, string stateType, string grainKey, string? expectedEtag,
        CancellationToken cancellationToken)
    {
        var stored = (await storage.ReadAsync(stateType, grainKey, cancellationToken))?.Etag;
        return new InconsistentStateException($"{stateType}/{grainKey}: ETag conflict (expected {expectedEtag ?? "no state"}, stored {stored ?? "no state"})",
            stored, expectedEtag);
    }

    /// <summary>Clearing with no ETag succeeds only where there is nothing stored.</summary>
    public static async Task EnsureAbsentAsync(IGrainStorage storage, string stateType, string grainKey, CancellationToken cancellationToken)
    {
        if (await storage.ReadAsync(stateType, grainKey, cancellationToken) is { } existing)
        {
            throw new InconsistentStateException($"{stateType}/{grainKey}: clear expected no state, found ETag {existing.Etag}", existing.Etag, null);
        }
    }
}
