using ActiveIT.Core.Transfer;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Runs.Transfer;

/// <summary>A transfer request turned into the runner's settings.</summary>
public static class TransferRequests
{
    /// <summary>The settings, with the chat model's version (a local checkpoint's hash; what the user says for a server).</summary>
    public static TransferSettings Settings(this TransferRequest request, string modelVersion)
    {
        var target = TransferTargets.Parse(request.To);
        for (var i = 0; i < (request.SeedPairs?.Count ?? 0); i++)
        {
            if (request.SeedPairs![i] is not { Source: not null, Target: not null })
            {
                throw new ArgumentException($"seed_pairs[{i}]: a {{\"source\", \"target\"}} pair, not null");
            }
        }
        var pairs = request.SeedPairs is { Count: > 0 } given ? given : RewriteTransferData.DefaultSeedPairs(target);
        if (request.K < 0 || request.K > pairs.Count)
        {
            throw new ArgumentException($"k = {request.K} seed pairs per prompt, but {pairs.Count} are given");
        }
        if (!request.IsLocal && !Uri.TryCreate(request.Backend, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"backend '{request.Backend}': 'local' or an OpenAI-compatible base URL such as http://host:8000/v1");
        }
        if (request.DenoiseInstances < 1)
        {
            throw new ArgumentException($"denoise instances {request.DenoiseInstances}: at least 1");
        }
        var config = new TransferConfig(target, request.IsLocal ? "local" : request.Backend.TrimEnd('/'), request.Model, modelVersion, request.Candidates,
            request.Temperature, request.MaxTokens, request.Seed,
            request.IsLocal ? 0 : request.K, request.IsLocal ? "none" : Core.Transfer.SeedPairs.Hash(pairs));
        config.Validate();
        return new TransferSettings(config, pairs, new DenoiseConfig(request.Denoise, request.DenoiseInstances, request.DenoiseSeed, MaxScore: request.MaxScore,
                Aggregation: DenoiseConfig.ParseAggregation(request.DenoiseAggregation)),
            LabelMap.Parse(request.Labels),
            new TransferBudget(request.MaxRequests, request.MaxTokensSpent, request.MaxCost), PriceTable.Parse(request.Price));
    }
}
