namespace ActiveIT.Grains.Transfer;

/// <summary>
/// One sampled candidate, as the backend answered it: its request seed, the raw answer (or why there is none),
/// the task it parses to in the target format's text (or the parse error), what it cost, and its denoising scores
/// by scoring key (model id@version/denoise config).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.TransferCandidate")]
public sealed record TransferCandidate(
    [property: Id(0)] int Index,
    [property: Id(1)] ulong Seed,
    [property: Id(2)] string Raw,
    [property: Id(3)] string FinishReason,
    [property: Id(4)] string? Parsed,
    [property: Id(5)] string? Error,
    [property: Id(6)] IReadOnlyList<string> Warnings,
    [property: Id(7)] int PromptTokens,
    [property: Id(8)] int CompletionTokens,
    [property: Id(9)] DateTimeOffset At,
    [property: Id(10)] IReadOnlyDictionary<string, double> Scores)
{
    public bool Usable => Parsed is not null;
}
