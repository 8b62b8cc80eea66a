using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Engine.Scoring;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Client.Pools;

/// <summary>Scoring on a silo: the pool is scored where its grains live, with a model the silo serves (README "score").</summary>
internal static class RemoteScoring
{
    public sealed record Scores(string Key, IReadOnlyList<PoolScoreResult> Results);

    private sealed record Line(int? Done, int? Total, string? Key, IReadOnlyList<PoolScoreResult>? Results, string? Error) : SiloHttp.IStreamLine;

    /// <summary>POST …/score and follow its stream of progress lines to the results.</summary>
    public static async Task<Scores> ScoreAsync(HttpClient http, string pool, string model, ScorerConfig config, IProgress<(int Done, int Total)> progress,
        CancellationToken cancellationToken)
    {
        var body = new { Model = model, config.Instances, config.Perturbations, Drop = config.DropProbability, config.Seed, config.MaxNewTokens };
        return await SiloHttp.FollowAsync<Line, Scores>(http, $"v1/pools/{Uri.EscapeDataString(pool)}/score", body, line =>
        {
            if (line.Results is { } results)
            {
                return new Scores(line.Key!, results);
            }
            progress.Report((line.Done ?? 0, line.Total ?? 0));
            return null;
        }, cancellationToken);
    }

    /// <summary>GET …/scores: the cached scores only (the model's version is the silo's file hash).</summary>
    public static async Task<Scores> CachedAsync(HttpClient http, string pool, string model, ScorerConfig config, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"model={Uri.EscapeDataString(model)}&instances={config.Instances}&perturbations={config.Perturbations}&drop={config.DropProbability}&seed={config.Seed}&maxNewTokens={config.MaxNewTokens}");
        using var response = await http.GetAsync($"v1/pools/{Uri.EscapeDataString(pool)}/scores?{query}", cancellationToken);
        return await SiloHttp.ReadAsync<Scores>(response, cancellationToken);
    }
}
