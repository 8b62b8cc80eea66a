namespace ActiveIT.Grains;

/// <summary>
/// A state write lost an optimistic-concurrency race: the stored ETag was not the one this activation read
/// (Orleans: <c>InconsistentStateException</c>). Re-read the state and decide again; never retry the same write blindly.
/// </summary>
public sealed class InconsistentStateException(string message, string? storedEtag, string? expectedEtag) : Exception(message)
{
    public string? StoredEtag { get; } = storedEtag;
    public string? ExpectedEtag { get; } = expectedEtag;
}
