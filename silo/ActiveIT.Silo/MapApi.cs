using ActiveIT.Core.Uncertainty;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Pools;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Silo;

/// <summary>GET /v1/pools/{pool}/map: the task map from cached scores, as JSON or (format=svg) the scatter plot.</summary>
public static class MapApi
{
    public static void MapTaskMapApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/pools/{pool}/map", async (string pool, string model, string? version, int? instances, int? perturbations, double? drop, int? seed,
            int? maxNewTokens, double? ambiguousShare, string? scorer, string? format, string? truth,
            [Microsoft.AspNetCore.Mvc.FromQuery(Name = "pool_version")] long? poolVersion, IGrainFactory grains, Completions.ModelRegistry models) =>
        {
            // scorer= names a scorer config as GET /v1/pools lists it; otherwise it is built from the separate settings.
            var config = scorer ?? new ScorerConfig(instances ?? 10, perturbations ?? 10, drop ?? 0.2, (ulong)(seed ?? 0), maxNewTokens ?? ScorerConfig.OriginalMaxNewTokens).ToString();
            version ??= models.VersionOrNull(model);
            if (version is null)
            {
                return Results.Problem(statusCode: 400, title: "Model version required", detail: $"give version=… (the silo serves no model '{model}' to read it from)");
            }
            // A pool version is pool_version: version= has named the model's since before pools had versions.
            var scores = await PoolScorer.CachedAsync(grains, pool, new Grains.Pools.ScoreKey(model, version, config), poolVersion);
            if (scores.Count == 0)
            {
                return Results.Problem(statusCode: 404, title: "No scores", detail: $"pool '{pool}' has no scores for {model}@{version}/{config}");
            }
            var share = ambiguousShare ?? 1.0 / 3;
            var entries = TaskMap.Categorize([.. scores.Select(s => new TaskMap.Point(s.TaskId, s.PromptUncertainty, s.PredictionProbability))], share);
            if (format == "svg")
            {
                return Results.Text(TaskMapSvg.Render(entries, $"Task map of pool '{pool}' ({entries.Count} tasks)", $"{model}@{version}/{config}; {TaskMap.Rule(share)}"), "image/svg+xml");
            }
            // Beside the map's two axes, the other cached scores of each task, so a client can draw the map on any two of them.
            var axes = scores.Select(s => new MapAxes(s.TaskId, s.Perplexity, s.LabelLoss, s.Ifd)).ToList();
            return Results.Ok(new { Pool = pool, Rule = TaskMap.Rule(share), Tasks = entries, Axes = axes,
                Truth = truth is null ? null : await TruthAsync(grains, pool, poolVersion, truth, scores, entries) });
        });

    /// <summary>
    /// With truth=KEY, the map checked against the ground truth the pool's tasks carry in their metadata under KEY (a
    /// families pool's "injected": none, ambiguous, noisy): per kind and map category the counts, precision and recall,
    /// and each axis (prompt uncertainty, prediction probability, label loss) as a ranking of its own. It reads every
    /// scored task once, so it is asked for; tasks without the key are left out.
    /// </summary>
    private static async Task<MapTruth> TruthAsync(IGrainFactory grains, string pool, long? poolVersion, string key, IReadOnlyList<PoolScoreResult> scores,
        IReadOnlyList<TaskMap.Entry> entries)
    {
        var hashes = (await grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync(poolVersion)).ToDictionary(m => m.TaskId, m => m.ContentHash);
        var injected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in scores)
        {
            if (hashes.TryGetValue(s.TaskId, out var hash) && await grains.GetGrain<ITaskGrain>(hash).GetAsync() is { } task
                && task.Metadata.TryGetValue(key, out var value))
            {
                injected[s.TaskId] = value;
            }
        }
        var labelLoss = scores.Where(s => s.LabelLoss is not null).ToDictionary(s => s.TaskId, s => s.LabelLoss!.Value);
        var points = scores.Select(s => new TaskMap.Point(s.TaskId, s.PromptUncertainty, s.PredictionProbability)).ToList();
        // An empty category has no precision (NaN, which JSON cannot carry) and nothing to show.
        return new MapTruth(key, injected.Count, [.. TaskMapTruth.Check(entries, injected).Where(r => r.CategorySize > 0)], TaskMapTruth.RankAxes(points, labelLoss, injected),
            injected);
    }

    /// <summary>The ground-truth check of a map: <see cref="TruthAsync"/>.</summary>
    /// <param name="Injected">Each scored task's value under the key (tasks without it left out): what the map page marks.</param>
    public sealed record MapTruth(string Key, int Tasks, IReadOnlyList<TaskMapTruth.Row> Check, IReadOnlyList<TaskMapTruth.RankRow> Ranks,
        IReadOnlyDictionary<string, string> Injected);

    /// <summary>A task's cached scores beyond the map's two: its answers' perplexity, and where the task has references, the
    /// label loss and IFD of those references (docs/selection.md).</summary>
    public sealed record MapAxes(string TaskId, double Perplexity, double? LabelLoss, double? Ifd);

    /// <summary>Names the model version for the cache key; the map never calls a model.</summary>
    internal sealed class KeyOnlyBackend(string modelId, string modelVersion) : ActiveIT.Engine.Backends.IModelBackend
    {
        public string ModelId { get; } = modelId;
        public string ModelVersion { get; } = modelVersion;
        public int? ContextLength => null;

        public Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the map reads cached scores only");

        public Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
            CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the map reads cached scores only");

        public Task<IReadOnlyList<ActiveIT.Engine.SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the map reads cached scores only");
    }
}
