using System.Text.Json;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Runs.Scoring;
using ActiveIT.Silo.Completions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// GET /v1/pools/{pool}/scores: a pool's cached scores for (model, scorer config) — of the members of version
/// pool_version when given (version= names the model's) — what `activeit score --silo` reads after its scoring run and
/// `activeit map --silo` draws. Scoring itself is a run (POST /v1/runs/scoring).
/// </summary>
public static class ScoreApi
{
    public static void MapScoreApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/pools/{pool}/scores", async (string pool, string model, string? version, int? instances, int? perturbations, double? drop, int? seed,
            int? maxNewTokens, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "pool_version")] long? poolVersion, IGrainFactory grains, ModelRegistry models) =>
        {
            var resolved = version ?? models.VersionOrNull(model);
            if (resolved is null)
            {
                return NoModel(model, models);
            }
            var config = new ScorerConfig(instances ?? 10, perturbations ?? 10, drop ?? 0.2, (ulong)(seed ?? 0), maxNewTokens ?? ScorerConfig.OriginalMaxNewTokens);
            var scorer = new PoolScorer(grains, new MapApi.KeyOnlyBackend(model, resolved), config);
            return Results.Ok(new { Key = scorer.Key.ToString(), Results = await scorer.CachedAsync(pool, poolVersion) });
        });
    }

    private static IResult NoModel(string model, ModelRegistry models) => Results.Problem(statusCode: 404, title: "No such model",
        detail: $"the silo serves no model '{model}' (its models: {(models.Ids.Count == 0 ? "none; set ActiveIT:ModelDir" : string.Join(", ", models.Ids))})");
}
