namespace ActiveIT.Grains.Transfer;

/// <summary>How one task of a run ended: transferred (with the chosen candidate), failed (why), or not reached.</summary>
[GenerateSerializer, Immutable, Alias("activeit.TransferTaskOutcome")]
public sealed record TransferTaskOutcome(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string SourceHash,
    [property: Id(2)] string Status,
    [property: Id(3)] int? Chosen,
    [property: Id(4)] double? Score,
    [property: Id(5)] int Candidates,
    [property: Id(6)] int Parsed,
    [property: Id(7)] string? Reason)
{
    public const string Transferred = "transferred", Failed = "failed";
}
