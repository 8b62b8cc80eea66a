using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Pretraining;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Scoring;
using ActiveIT.Grains.Transfer;
using ActiveIT.Silo.Access;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// One API for every kind of long job: /v1/runs/{kind} to create and list, /v1/runs/{kind}/{name} to read and delete,
/// …/start, …/cancel, and …/events (server-sent events: the record now and at each change, until it stops running).
/// Started runs go to the cluster's run queue, whose silos' <see cref="RunWorker"/>s execute them; a client may go
/// away at any time. Runs belong to the user who created them: only they or an admin start, cancel or delete them.
/// </summary>
public static class RunsApi
{
    public static void MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/v1/runs").WithTags("runs");
        // Create is mapped per kind with its config type spelled out: ASP.NET's route analyzer fails on a handler whose
        // body type is a type parameter.
        var curriculum = app.ServiceProvider.GetRequiredService<CurriculumRuns>();
        Map(runs, curriculum).MapPost("", (ExperimentConfig config, HttpContext http, CancellationToken ct) => CreateAsync(curriculum, config, http, ct));
        var transfer = app.ServiceProvider.GetRequiredService<TransferRuns>();
        var transfers = Map(runs, transfer);
        transfers.MapPost("", (TransferRequest config, HttpContext http, CancellationToken ct) => CreateAsync(transfer, config, http, ct));
        var scoring = app.ServiceProvider.GetRequiredService<ScoringRuns>();
        Map(runs, scoring).MapPost("", (ScoringRequest config, HttpContext http, CancellationToken ct) => CreateAsync(scoring, config, http, ct));
        var pretrain = app.ServiceProvider.GetRequiredService<PretrainRuns>();
        Map(runs, pretrain).MapPost("", (PretrainRequest config, HttpContext http, CancellationToken ct) => CreateAsync(pretrain, config, http, ct));
        var diversity = app.ServiceProvider.GetRequiredService<DiversityRuns>();
        Map(runs, diversity).MapPost("", (DiversityRequest config, HttpContext http, CancellationToken ct) => CreateAsync(diversity, config, http, ct));
        // A transfer's own reads: each task's candidates with their scores and the winner.
        transfers.MapGet("/{name}/tasks", (string name, IGrainFactory grains) => TransferQueries.AllAsync(grains, name));
        transfers.MapGet("/{name}/tasks/{taskId}", async (string name, string taskId, IGrainFactory grains) =>
            Results.Ok(await TransferQueries.TaskAsync(grains, name, taskId)));
    }

    private static RouteGroupBuilder Map<TConfig, TRecord>(RouteGroupBuilder runs, RunKind<TConfig, TRecord> kind) where TRecord : class
    {
        var group = runs.MapGroup($"/{kind.Kind}");
        group.MapGet("", async (CancellationToken ct) => Results.Ok(await kind.ListAsync(ct)));
        group.MapGet("/{name}", async (string name, CancellationToken ct) =>
            await kind.GetAsync(name, ct) is { } record ? Results.Ok(record) : NotFound(kind.Kind, name));
        group.MapPost("/{name}/start", async (string name, RunWorker worker, IOptions<SiloOptions> options, HttpContext http, CancellationToken ct) =>
        {
            if ((await NotYoursAsync(kind, name, http, "start") ?? await ActiveLimitAsync(kind, name, options.Value.MaxActiveExperimentsPerUser, Caller.Of(http)!, ct))
                is { } refused)
            {
                return refused;
            }
            var record = await kind.StartAsync(name, ct);
            if (kind.Header(record).Status == RunStatus.Queued)
            {
                await worker.EnqueueAsync(kind.Kind, name);
            }
            return Results.Accepted($"/v1/runs/{kind.Kind}/{Uri.EscapeDataString(name)}", record);
        });
        group.MapGet("/{name}/events", async (string name, CancellationToken ct) => await kind.GetAsync(name, ct) is null
            ? NotFound(kind.Kind, name)
            : TypedResults.ServerSentEvents(UntilStoppedAsync(kind, name, ct)));
        group.MapPost("/{name}/cancel", async (string name, HttpContext http, CancellationToken ct) =>
            await NotYoursAsync(kind, name, http, "cancel") ?? Results.Ok(await kind.CancelAsync(name, ct)));
        group.MapDelete("/{name}", async (string name, HttpContext http, CancellationToken ct) =>
            await NotYoursAsync(kind, name, http, "delete") ?? (await kind.DeleteAsync(name, ct) ? Results.NoContent() : NotFound(kind.Kind, name)));
        return group;
    }

    private static async Task<IResult> CreateAsync<TConfig, TRecord>(RunKind<TConfig, TRecord> kind, TConfig config, HttpContext http, CancellationToken ct)
        where TRecord : class
    {
        config = kind.Resolve(config);
        if (kind.Refuse(config) is { } refused)
        {
            return refused;
        }
        var record = await kind.CreateAsync(config, Caller.Of(http)!.User, ct);
        return Results.Created($"/v1/runs/{kind.Kind}/{Uri.EscapeDataString(kind.Header(record).Name)}", record);
    }

    /// <summary>Each change as an event named after the kind, ending after the first record that is neither queued nor running.</summary>
    private static async IAsyncEnumerable<SseItem<TRecord>> UntilStoppedAsync<TConfig, TRecord>(RunKind<TConfig, TRecord> kind, string name,
        [EnumeratorCancellation] CancellationToken ct) where TRecord : class
    {
        await foreach (var record in kind.WatchAsync(name, ct))
        {
            yield return new SseItem<TRecord>(record, kind.Kind);
            if (kind.Header(record).Status is not (RunStatus.Queued or RunStatus.Running))
            {
                yield break;
            }
        }
    }

    /// <summary>403 when the run belongs to someone else and the caller is no admin; 404 when there is none.</summary>
    private static async Task<IResult?> NotYoursAsync<TConfig, TRecord>(RunKind<TConfig, TRecord> kind, string name, HttpContext http, string action)
        where TRecord : class
    {
        var caller = Caller.Of(http)!;
        if (await kind.GetAsync(name, http.RequestAborted) is not { } record)
        {
            return NotFound(kind.Kind, name);
        }
        var owner = kind.Header(record).Owner;
        return caller.MayChange(owner) ? null : Results.Problem(statusCode: 403, title: $"Another user's {Noun(kind.Kind)}",
            detail: $"{Noun(kind.Kind)} '{name}' belongs to {owner}; {caller} may {action} only their own (admins may {action} any)");
    }

    /// <summary>
    /// 429 when the caller already has the allowed number of runs of this kind queued or running (this one aside).
    /// Checked before the start, not atomically with it: two starts at the same moment may both pass.
    /// </summary>
    private static async Task<IResult?> ActiveLimitAsync<TConfig, TRecord>(RunKind<TConfig, TRecord> kind, string name, int limit, Caller caller,
        CancellationToken ct) where TRecord : class
    {
        if (limit <= 0)
        {
            return null;
        }
        var active = (await kind.ListAsync(ct)).Select(kind.Header)
            .Count(h => h.Owner == caller.User && h.Name != name && h.Status is RunStatus.Queued or RunStatus.Running);
        return active < limit ? null : Results.Problem(statusCode: 429, title: $"Too many active {Noun(kind.Kind)}s",
            detail: $"{caller.User} has {active} {Noun(kind.Kind)}s queued or running; ActiveIT:MaxActiveExperimentsPerUser allows {limit}: cancel one or wait for one to finish");
    }

    /// <summary>What users call a run of this kind (the access tests and the CLI's messages speak of experiments).</summary>
    private static string Noun(string kind) => kind == RunKinds.Curriculum ? "experiment" : kind;

    private static IResult NotFound(string kind, string name) =>
        Results.Problem(statusCode: 404, title: $"No such {Noun(kind)}", detail: $"no {Noun(kind)} '{name}'");
}
