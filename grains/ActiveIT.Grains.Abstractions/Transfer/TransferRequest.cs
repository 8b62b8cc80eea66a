using ActiveIT.Core.Transfer;

namespace ActiveIT.Grains.Transfer;

/// <summary>
/// A transfer run as the CLI and the silo's POST /v1/runs/transfer take it. <see cref="Backend"/> is "local" (a model of the
/// engine: a checkpoint file for the CLI, a model the silo serves) or an OpenAI-compatible base URL. Without seed pairs
/// ActiveIT's default string-rewrite pairs for the target are used.
/// </summary>
public sealed record TransferRequest(
    string Pool,
    string OutPool,
    string Model,
    string To = "niv2",
    string Backend = "local",
    string? ModelVersion = null,
    int Candidates = 8,
    float Temperature = 0.8f,
    int MaxTokens = 512,
    ulong Seed = 0,
    int K = 3,
    IReadOnlyList<SeedPair>? SeedPairs = null,
    string? Scorer = null,
    string? ScorerBackend = null,
    string? ScorerVersion = null,
    bool Denoise = true,
    int DenoiseInstances = 32,
    ulong DenoiseSeed = 0,
    string? Labels = null,
    long? MaxRequests = null,
    long? MaxTokensSpent = null,
    decimal? MaxCost = null,
    string? Price = null,
    double? MaxScore = null,
    string? DenoiseAggregation = null,
    long? PoolVersion = null)
{
    public bool IsLocal => Backend == "local";

    /// <summary>A run's name: its output pool.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => OutPool;
}
