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

/// <summary>A transfer's state: what was asked, every candidate, and the choice made under each denoising key.</summary>
[GenerateSerializer, Alias("activeit.FormatTransferState")]
public sealed class FormatTransferState
{
    [Id(0)] public string SourceTaskId { get; set; } = "";
    [Id(1)] public string Target { get; set; } = "";
    [Id(2)] public string Config { get; set; } = "";
    /// <summary>The conversation sent (JSON list of {role, content}); candidates differ only by seed.</summary>
    [Id(3)] public string Prompt { get; set; } = "";
    [Id(4)] public List<TransferCandidate> Candidates { get; set; } = [];
    /// <summary>Chosen candidate index by denoising key.</summary>
    [Id(5)] public Dictionary<string, int> Chosen { get; set; } = [];
    [Id(6)] public string Backend { get; set; } = "";
}
