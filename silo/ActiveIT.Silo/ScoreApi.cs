using System.Text.Json;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Runs.Scoring;
using ActiveIT.Silo.Completions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// Scoring a shared pool on the silo (what `activeit score --silo` calls). POST /v1/pools/{pool}/score scores every
/// task that has no score yet for (model, scorer config) with a model the silo serves, storing each score in its
/// task grain as it goes; the response streams JSON lines — {"done","total"} per task, then {"key","results"} — so a
/// client shows progress. A client that goes away cancels it; scoring again resumes (scores are cached per task).
/// GET /v1/pools/{pool}/scores returns the cached scores only (what `activeit map --silo` draws).
/// </summary>
public static class ScoreApi
{
    public sealed record ScoreRequest(string Model, int Instances = 10, int Perturbations = 10, double Drop = 0.2, ulong Seed = 0, int MaxNewTokens = ScorerConfig.OriginalMaxNewTokens)
    {
        public ScorerConfig Config => new(Instances, Perturbations, Drop, Seed, MaxNewTokens);

        /// <summary>Bounds, so one request cannot hold the engine for hours: a problem's detail per field.</summary>
        public string? Invalid(int maxNewTokens) =>
            Instances is < 1 or > 1000 ? $"instances {Instances}: between 1 and 1000"
            : Perturbations is < 1 or > 100 ? $"perturbations {Perturbations}: between 1 and 100"
            : Drop is < 0 or >= 1 || double.IsNaN(Drop) ? $"drop {Drop}: at least 0, below 1"
            : MaxNewTokens < 1 || MaxNewTokens > maxNewTokens ? $"max_new_tokens {MaxNewTokens}: between 1 and this silo's limit of {maxNewTokens} (ActiveIT:MaxGenerationTokens)"
            : null;
    }

    public static void MapScoreApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/pools/{pool}/score", async (string pool, ScoreRequest request, IGrainFactory grains, ModelRegistry models, IOptions<JsonOptions> json,
            IOptions<SiloOptions> options, HttpContext http) =>
        {
            Grains.Pools.PoolService.ValidatePoolName(pool);  // 400 before the stream starts
            if (request.Invalid(options.Value.MaxGenerationTokens) is { } invalid)
            {
                await Results.Problem(statusCode: 400, title: "Invalid scoring settings", detail: invalid).ExecuteAsync(http);
                return;
            }
            if (models.Get(request.Model) is not { } model)
            {
                await NoModel(request.Model, models).ExecuteAsync(http);
                return;
            }
            if ((await grains.GetGrain<Grains.Pools.ITaskPoolGrain>(pool).GetStatsAsync()).Tasks == 0)
            {
                await Results.Problem(statusCode: 404, title: "No such pool", detail: $"pool '{pool}' has no tasks").ExecuteAsync(http);
                return;
            }
            var scorer = new PoolScorer(grains, new LocalEngineBackend(model, request.Model, models.Version(request.Model)), request.Config);
            await ProgressStream.WriteAsync<(int Done, int Total), IReadOnlyList<PoolScoreResult>>(http, json.Value.SerializerOptions,
                (progress, ct) => scorer.ScoreAsync(pool, progress, ct), p => new { p.Done, p.Total },
                results => new { Key = scorer.Key.ToString(), Results = results });
        });

        app.MapGet("/v1/pools/{pool}/scores", async (string pool, string model, string? version, int? instances, int? perturbations, double? drop, int? seed,
            int? maxNewTokens, IGrainFactory grains, ModelRegistry models) =>
        {
            var resolved = version ?? models.VersionOrNull(model);
            if (resolved is null)
            {
                return NoModel(model, models);
            }
            var config = new ScoreRequest(model, instances ?? 10, perturbations ?? 10, drop ?? 0.2, (ulong)(seed ?? 0), maxNewTokens ?? ScorerConfig.OriginalMaxNewTokens).Config;
            var scorer = new PoolScorer(grains, new MapApi.KeyOnlyBackend(model, resolved), config);
            return Results.Ok(new { Key = scorer.Key.ToString(), Results = await scorer.CachedAsync(pool) });
        });
    }

    private static IResult NoModel(string model, ModelRegistry models) => Results.Problem(statusCode: 404, title: "No such model",
        detail: $"the silo serves no model '{model}' (its models: {(models.Ids.Count == 0 ? "none; set ActiveIT:ModelDir" : string.Join(", ", models.Ids))})");
}
