using ActiveIT.Core.Transfer;

namespace ActiveIT.Runs.Transfer;

/// <summary>
/// A transfer run as the CLI and the silo's POST /v1/transfers take it. <see cref="Backend"/> is "local" (a model of the
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
    double? MaxScore = null)
{
    public bool IsLocal => Backend == "local";

    /// <summary>The settings, with the chat model's version (a local checkpoint's hash; what the user says for a server).</summary>
    public TransferSettings Settings(string modelVersion)
    {
        var target = TransferTargets.Parse(To);
        for (var i = 0; i < (SeedPairs?.Count ?? 0); i++)
        {
            if (SeedPairs![i] is not { Source: not null, Target: not null })
            {
                throw new ArgumentException($"seed_pairs[{i}]: a {{\"source\", \"target\"}} pair, not null");
            }
        }
        var pairs = SeedPairs is { Count: > 0 } given ? given : RewriteTransferData.DefaultSeedPairs(target);
        if (K < 0 || K > pairs.Count)
        {
            throw new ArgumentException($"k = {K} seed pairs per prompt, but {pairs.Count} are given");
        }
        if (!IsLocal && !Uri.TryCreate(Backend, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"backend '{Backend}': 'local' or an OpenAI-compatible base URL such as http://host:8000/v1");
        }
        if (DenoiseInstances < 1)
        {
            throw new ArgumentException($"denoise instances {DenoiseInstances}: at least 1");
        }
        var config = new TransferConfig(target, IsLocal ? "local" : Backend.TrimEnd('/'), Model, modelVersion, Candidates, Temperature, MaxTokens, Seed,
            IsLocal ? 0 : K, IsLocal ? "none" : Core.Transfer.SeedPairs.Hash(pairs));
        config.Validate();
        return new TransferSettings(config, pairs, new DenoiseConfig(Denoise, DenoiseInstances, DenoiseSeed, MaxScore: MaxScore), LabelMap.Parse(Labels),
            new TransferBudget(MaxRequests, MaxTokensSpent, MaxCost), PriceTable.Parse(Price));
    }
}
