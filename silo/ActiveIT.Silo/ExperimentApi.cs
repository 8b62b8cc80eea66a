using ActiveIT.Grains.Runs;
using System.Text.Json;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Silo.Access;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>The experiment endpoints: <see cref="IExperimentService"/> over HTTP; started experiments go to the cluster's queue, whose silos' <see cref="ExperimentWorker"/>s run them.</summary>
public static class ExperimentApi
{
    public static void MapExperimentApi(this IEndpointRouteBuilder app)
    {
        var experiments = app.MapGroup("/v1/experiments");
        experiments.MapPost("", async (ExperimentConfig config, IExperimentService service, IOptions<SiloOptions> options, HttpContext http, CancellationToken ct) =>
        {
            // A base checkpoint is a file the silo's worker will read: the same rule as import-path, before anything
            // is said about the file — it must lie below the model folder or an import root.
            foreach (var checkpoint in config.Seeds.Select(config.Model.BaseCheckpointFor).OfType<string>().Distinct())
            {
                var roots = options.Value.ImportRoots.Concat(options.Value.ModelDir is { } models ? [models] : []).Select(ImportRoots.RealPath).ToArray();
                if (!ImportRoots.Contains(roots, checkpoint))
                {
                    return Results.Problem(statusCode: 403, title: "Outside the model folder and import roots",
                        detail: $"model.base_checkpoint '{checkpoint}' must lie below ActiveIT:ModelDir or an ActiveIT:ImportRoots folder");
                }
            }
            var experiment = await service.CreateAsync(config, Caller.Of(http)!.User, ct);
            return Results.Created($"/v1/experiments/{Uri.EscapeDataString(experiment.Name)}", experiment);
        });
        experiments.MapGet("", async (IExperimentService service, CancellationToken ct) => Results.Ok(await service.ListAsync(ct)));
        experiments.MapGet("/{name}", async (string name, IExperimentService service, CancellationToken ct) =>
            await service.GetAsync(name, ct) is { } experiment ? Results.Ok(experiment) : NotFound(name));
        experiments.MapPost("/{name}/start", async (string name, IExperimentService service, ExperimentWorker worker, IOptions<SiloOptions> options,
            HttpContext http, CancellationToken ct) =>
        {
            if ((await NotYoursAsync(name, service, http, "start") ?? await ActiveLimitAsync(name, service, options.Value.MaxActiveExperimentsPerUser, Caller.Of(http)!, ct))
                is { } refused)
            {
                return refused;
            }
            var experiment = await service.StartAsync(name, ct);
            if (experiment.Status == RunStatus.Queued)
            {
                await worker.EnqueueAsync(name);
            }
            return Results.Accepted($"/v1/experiments/{Uri.EscapeDataString(name)}", experiment);
        });
        // Server-sent events: the record now and at each change (pushed by the curriculum grain), until it stops running.
        experiments.MapGet("/{name}/events", async (string name, IExperimentService service, IOptions<JsonOptions> json, HttpContext http) =>
        {
            if (await service.GetAsync(name, http.RequestAborted) is null)
            {
                await NotFound(name).ExecuteAsync(http);
                return;
            }
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await foreach (var experiment in service.WatchAsync(name, TimeSpan.FromSeconds(15), http.RequestAborted))
            {
                await http.Response.WriteAsync($"event: experiment\ndata: {JsonSerializer.Serialize(experiment, json.Value.SerializerOptions)}\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                if (experiment.Status is not (RunStatus.Queued or RunStatus.Running))
                {
                    return;
                }
            }
        });
        experiments.MapPost("/{name}/cancel", async (string name, IExperimentService service, HttpContext http, CancellationToken ct) =>
            await NotYoursAsync(name, service, http, "cancel") ?? Results.Ok(await service.CancelAsync(name, ct)));
        experiments.MapDelete("/{name}", async (string name, IExperimentService service, HttpContext http, CancellationToken ct) =>
            await NotYoursAsync(name, service, http, "delete") ?? (await service.DeleteAsync(name, ct) ? Results.NoContent() : NotFound(name)));
    }

    /// <summary>403 when the experiment belongs to someone else and the caller is no admin; 404 when there is none.</summary>
    private static async Task<IResult?> NotYoursAsync(string name, IExperimentService service, HttpContext http, string action)
    {
        var caller = Caller.Of(http)!;
        if (await service.GetAsync(name, http.RequestAborted) is not { } experiment)
        {
            return NotFound(name);
        }
        return caller.MayChange(experiment.Owner) ? null : Results.Problem(statusCode: 403, title: "Another user's experiment",
            detail: $"experiment '{name}' belongs to {experiment.Owner}; {caller} may {action} only their own (admins may {action} any)");
    }

    /// <summary>
    /// 429 when the caller already has the allowed number of experiments queued or running (this one aside).
    /// Checked before the start, not atomically with it: two starts at the same moment may both pass.
    /// </summary>
    private static async Task<IResult?> ActiveLimitAsync(string name, IExperimentService service, int limit, Caller caller, CancellationToken ct)
    {
        if (limit <= 0)
        {
            return null;
        }
        var active = (await service.ListAsync(ct))
            .Count(e => e.Owner == caller.User && e.Name != name && e.Status is RunStatus.Queued or RunStatus.Running);
        return active < limit ? null : Results.Problem(statusCode: 429, title: "Too many active experiments",
            detail: $"{caller.User} has {active} experiments queued or running; ActiveIT:MaxActiveExperimentsPerUser allows {limit}: cancel one or wait for one to finish");
    }

    private static IResult NotFound(string name) => Results.Problem(statusCode: 404, title: "No such experiment", detail: $"no experiment '{name}'");
}
