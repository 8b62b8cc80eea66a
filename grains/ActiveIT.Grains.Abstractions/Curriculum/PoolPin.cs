namespace ActiveIT.Grains.Curriculum;

/// <summary>A pool version a run reads, and the digest of its members (<c>TaskPoolGrainExtensions.Digest</c>); an empty
/// digest asks for the version, to be checked and filled in when the run is created.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolPin")]
public sealed record PoolPin(string Pool, long Version, string Digest = "");
