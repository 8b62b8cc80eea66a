using ActiveIT.Runs.Transfer;
using ActiveIT.Grains.Pools;
using ActiveIT.Engine.Backends;
using ActiveIT.Grains.Transfer;
using ActiveIT.Silo.Completions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// Format transfer on the silo (what `activeit transfer … --silo` calls). POST /v1/transfers runs a
/// <see cref="TransferRequest"/> — backend "local" is a model the silo serves; a URL, which must be one of
/// ActiveIT:RemoteBackends, is reached with the key in ActiveIT:TransferBackendKey — and streams JSON lines ({"done","total","requests","tokens","cost"} per task, then
/// {"run": state}); a client that goes away cancels it and the same request resumes it. GET /v1/transfers/{out} is a
/// run's state, …/tasks/{task} one task's candidates, …/tasks every task's.
/// </summary>
public static class TransferApi
{
    private static bool SameBase(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    public static void MapTransferApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/transfers", async (TransferRequest request, IGrainFactory grains, ModelRegistry models, IConfiguration configuration,
            IOptions<JsonOptions> json, IOptions<SiloOptions> options, HttpContext http) =>
        {
            foreach (var (field, url) in new[] { ("backend", request.IsLocal ? null : request.Backend), ("scorer_backend", request.ScorerBackend) })
            {
                if (url is not null && !options.Value.RemoteBackends.Any(allowed => SameBase(allowed, url)))
                {
                    await Results.Problem(statusCode: 403, title: "Backend not allowed",
                        detail: $"{field} '{url}' is not one of this silo's ActiveIT:RemoteBackends ({(options.Value.RemoteBackends.Count == 0 ? "none: only its own models" : string.Join(", ", options.Value.RemoteBackends))})")
                        .ExecuteAsync(http);
                    return;
                }
            }
            var key = configuration["ActiveIT:TransferBackendKey"];
            IChatBackend chat;
            string version;
            if (request.IsLocal)
            {
                var model = models.Get(request.Model) ?? throw new KeyNotFoundException(NoModel(request.Model, models));
                (chat, version) = (new LocalChatBackend(model, request.Model), request.ModelVersion ?? models.Version(request.Model));
            }
            else
            {
                (chat, version) = (new OpenAiChatBackend(new Uri(request.Backend), request.Model, key), request.ModelVersion ?? "remote");
            }
            IModelBackend? scorer = null;
            if (request.Denoise && request.Scorer is { } name)
            {
                scorer = request.ScorerBackend is { } url
                    ? new OpenAiCompatibleBackend(new Uri(url), name, key, request.ScorerVersion ?? "remote")
                    : new LocalEngineBackend(models.Get(name) ?? throw new KeyNotFoundException(NoModel(name, models)), name, request.ScorerVersion ?? models.Version(name));
            }
            var runner = new FormatTransferRunner(grains, chat, scorer, request.Settings(version));
            await runner.ValidateAsync(request.Pool, request.OutPool);  // bad settings or pools: 400 before the stream starts
            await ProgressStream.WriteAsync<TransferProgress, TransferRunState>(http, json.Value.SerializerOptions,
                (progress, ct) => runner.RunAsync(request.Pool, request.OutPool, progress, ct),
                p => new { p.Done, p.Total, p.Spend.Requests, p.Spend.Tokens, p.Spend.Cost }, run => new { Run = run });
        });
        app.MapGet("/v1/transfers", async (IGrainFactory grains) =>
        {
            var runs = new List<TransferRunState>();
            foreach (var outPool in await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListTransfersAsync())
            {
                // Listed at its start, so its state is there; a run without a spec (never written) is left out, not an error.
                if ((await grains.GetGrain<ITransferRunGrain>(outPool).GetAsync()) is { Spec: not null } run)
                {
                    runs.Add(run);
                }
            }
            return Results.Ok(runs);
        });
        app.MapGet("/v1/transfers/{outPool}", async (string outPool, IGrainFactory grains) => Results.Ok(await TransferQueries.RunAsync(grains, outPool)));
        app.MapGet("/v1/transfers/{outPool}/tasks/{taskId}", async (string outPool, string taskId, IGrainFactory grains) =>
            Results.Ok(await TransferQueries.TaskAsync(grains, outPool, taskId)));
        app.MapGet("/v1/transfers/{outPool}/tasks", (string outPool, IGrainFactory grains) => TransferQueries.AllAsync(grains, outPool));
    }

    private static string NoModel(string model, ModelRegistry models) =>
        $"the silo serves no model '{model}' (its models: {(models.Ids.Count == 0 ? "none; set ActiveIT:ModelDir" : string.Join(", ", models.Ids))})";
}
