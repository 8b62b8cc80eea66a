namespace ActiveIT.Grains.Runs;

/// <summary>Which silo holds a run, and until when its lease lasts without a renewal.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunClaim")]
public sealed record RunClaim([property: Id(0)] string Silo, [property: Id(1)] DateTimeOffset Expires);
