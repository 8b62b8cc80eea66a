using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Scoring;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Client.Pools;

/// <summary>Scoring on a silo: the pool is scored where its grains live, with a model the silo serves (docs/user-guide.md, "score").</summary>
internal static class RemoteScoring
{
    public sealed record Scores(string Key, IReadOnlyList<PoolScoreResult> Results);

    /// <summary>
    /// A scoring run on the silo (POST /v1/runs/scoring) of one pool version — the one asked for, else the head now —
    /// named after pool, version, model and settings (the same scoring of the same version is the same run), followed
    /// through its events; then its cached scores for that version.
    /// </summary>
    public static async Task<Scores> ScoreAsync(HttpClient http, string pool, string model, ScorerConfig config, IProgress<(int Done, int Total)> progress,
        CancellationToken cancellationToken, long? poolVersion = null)
    {
        poolVersion ??= await new RemotePoolService(http).GetStatsAsync(pool, cancellationToken) is { Tasks: > 0 } stats ? stats.Version
            : throw new ArgumentException($"pool '{pool}' has no tasks");
        var request = new ScoringRequest(pool, model, config.Instances, config.Perturbations, config.DropProbability, config.Seed, config.MaxNewTokens,
            PoolVersion: poolVersion);
        var last = await SiloHttp.RunAsync<RunView>(http, RunKinds.Scoring, request.RunName, request, run =>
        {
            if (run.Progress is { } p)
            {
                progress.Report(((int)p.Done, (int)p.Total));
            }
        }, cancellationToken);
        if (last is not { Status: RunStatus.Completed, Result: { } result })
        {
            throw new InvalidOperationException($"silo: scoring run '{request.RunName}' ended {last?.Status.ToString().ToLowerInvariant() ?? "unknown"}{(last?.Error is { } e ? $": {e}" : "")}");
        }
        // The scores are read back from the cache; those this run computed are marked so.
        var scoredNow = result.Deserialize<ScoringResult>(Json.Options)!.ScoredTaskIds.ToHashSet(StringComparer.Ordinal);
        var cached = await CachedAsync(http, pool, model, config, cancellationToken, poolVersion);
        return cached with { Results = [.. cached.Results.Select(r => r with { Cached = !scoredNow.Contains(r.TaskId) })] };
    }

    /// <summary>GET …/scores: the cached scores only (the model's version is the silo's file hash).</summary>
    public static async Task<Scores> CachedAsync(HttpClient http, string pool, string model, ScorerConfig config, CancellationToken cancellationToken,
        long? poolVersion = null)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"model={Uri.EscapeDataString(model)}&instances={config.Instances}&perturbations={config.Perturbations}&drop={config.DropProbability}&seed={config.Seed}&maxNewTokens={config.MaxNewTokens}{(poolVersion is { } v ? $"&pool_version={v}" : "")}");
        using var response = await http.GetAsync($"v1/pools/{Uri.EscapeDataString(pool)}/scores?{query}", cancellationToken);
        return await SiloHttp.ReadAsync<Scores>(response, cancellationToken);
    }
}
