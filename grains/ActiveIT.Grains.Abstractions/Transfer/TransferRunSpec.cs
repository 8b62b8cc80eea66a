namespace ActiveIT.Grains.Transfer;

/// <summary>
/// What a run was asked to do: it is named by its output pool, and a second run into that pool must ask the same. The
/// source pool's version (and its members' digest) is pinned when the run first begins: every resume and re-run reads it.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.TransferRunSpec")]
public sealed record TransferRunSpec(
    [property: Id(0)] string SourcePool,
    [property: Id(1)] string OutPool,
    [property: Id(2)] string Target,
    [property: Id(3)] string ConfigKey,
    [property: Id(4)] string Config,
    [property: Id(5)] string Denoise,
    [property: Id(6)] string LabelMap,
    [property: Id(7)] string Budget,
    [property: Id(8)] string Backend,
    [property: Id(9)] long? SourceVersion = null,
    [property: Id(10)] string? SourceDigest = null);
