using ActiveIT.Core.Uncertainty;
using ActiveIT.Engine.Scoring;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Silo;

/// <summary>GET /v1/pools/{pool}/map: the task map from cached scores, as JSON or (format=svg) the scatter plot.</summary>
public static class MapApi
{
    public static void MapTaskMapApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/pools/{pool}/map", async (string pool, string model, string? version, int? instances, int? perturbations, double? drop, int? seed,
            int? maxNewTokens, double? ambiguousShare, string? scorer, string? format, IGrainFactory grains, Completions.ModelRegistry models) =>
        {
            // scorer= names a scorer config as GET /v1/pools lists it; otherwise it is built from the separate settings.
            var config = scorer ?? new ScorerConfig(instances ?? 10, perturbations ?? 10, drop ?? 0.2, (ulong)(seed ?? 0), maxNewTokens ?? ScorerConfig.OriginalMaxNewTokens).ToString();
            version ??= models.VersionOrNull(model);
            if (version is null)
            {
                return Results.Problem(statusCode: 400, title: "Model version required", detail: $"give version=… (the silo serves no model '{model}' to read it from)");
            }
            var scores = await PoolScorer.CachedAsync(grains, pool, new Grains.Pools.ScoreKey(model, version, config));
            if (scores.Count == 0)
            {
                return Results.Problem(statusCode: 404, title: "No scores", detail: $"pool '{pool}' has no scores for {model}@{version}/{config}");
            }
            var share = ambiguousShare ?? 1.0 / 3;
            var entries = TaskMap.Categorize([.. scores.Select(s => new TaskMap.Point(s.TaskId, s.PromptUncertainty, s.PredictionProbability))], share);
            return format == "svg"
                ? Results.Text(TaskMapSvg.Render(entries, $"Task map of pool '{pool}' ({entries.Count} tasks)", $"{model}@{version}/{config}; {TaskMap.Rule(share)}"), "image/svg+xml")
                : Results.Ok(new { Pool = pool, Rule = TaskMap.Rule(share), Tasks = entries });
        });

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
