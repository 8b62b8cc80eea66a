using System.Text.Json;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Import;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Access;
using ActiveIT.Silo.Access;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>The pool endpoints: the <see cref="IPoolService"/> contract over HTTP, plus imports the silo parses itself.</summary>
public static class PoolApi
{
    public static void MapPoolApi(this IEndpointRouteBuilder app)
    {
        // The cluster's pools with the (model, scorer) pairs each has cached scores for: what the web page browses.
        app.MapGet("/v1/pools", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListAsync()));
        var pools = app.MapGroup("/v1/pools/{pool}");
        // 412 here, not in the exception handler: that one strips ETag, and the ETag is how the 412 names the version.
        pools.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (PoolVersionConflictException e)
            {
                context.HttpContext.Response.Headers.ETag = Tag(e.Current);
                return Results.Problem(statusCode: 412, title: "Pool version changed", detail: e.Message,
                    extensions: new Dictionary<string, object?> { ["expected_version"] = e.Expected, ["current_version"] = e.Current });
            }
        });
        pools.MapPost("/tasks", async (string pool, List<InstructionTask> tasks, string? origin, IPoolService service, HttpContext http, CancellationToken ct) =>
        {
            CheckPosted(tasks);
            return Written(http, pool, await service.ImportAsync(pool, tasks, origin ?? "api", null, ct, Write(http)));
        });
        // Removal is a change like any other: a new version that records who removed what, and why.
        pools.MapDelete("/tasks/{id}", async (string pool, string id, string? reason, IPoolService service, HttpContext http, CancellationToken ct) =>
            await service.RemoveAsync(pool, [id], reason ?? "", Write(http), ct) is { } version
                ? Written(http, pool, version)
                : Results.Problem(statusCode: 404, title: "No such task", detail: $"pool '{pool}' has no task '{id}'"));
        pools.MapPost("/remove", async (string pool, RemoveRequest body, IPoolService service, HttpContext http, CancellationToken ct) =>
            await service.RemoveAsync(pool, body.TaskIds ?? [], body.Reason ?? "", Write(http), ct) is { } version
                ? Written(http, pool, version)
                : Results.Problem(statusCode: 404, title: "No such tasks", detail: $"pool '{pool}' has none of the {body.TaskIds?.Count ?? 0} tasks named"));
        pools.MapGet("/history", async (string pool, IPoolService service, CancellationToken ct) => Results.Ok(await service.GetHistoryAsync(pool, ct)));
        pools.MapGet("/diff", async (string pool, long from, long to, IPoolService service, CancellationToken ct) => Results.Ok(await service.DiffAsync(pool, from, to, ct)));
        pools.MapGet("/access", async (string pool, IPoolService service, CancellationToken ct) => Results.Ok(await service.GetAccessAsync(pool, ct)));
        // The owner or an admin names the editors (and may hand the pool to another owner); the grain checks who asks.
        pools.MapPut("/access", async (string pool, AccessRequest body, IPoolService service, HttpContext http, CancellationToken ct) =>
            Results.Ok(await service.SetAccessAsync(pool, body.Owner, body.Editors ?? [], Write(http), ct)));
        app.MapDelete("/v1/pools/{pool}", async (string pool, IPoolService service, CancellationToken ct) =>
            await service.DeleteAsync(pool, ct) ? Results.NoContent() : Results.Problem(statusCode: 404, title: "No such pool", detail: $"there is no pool '{pool}'"))
            .RequireRole(Role.Admin);
        pools.MapPost("/upload", async (string pool, string name, string? format, HttpRequest request, IPoolService service, IOptions<SiloOptions> options, CancellationToken ct) =>
        {
            // Buffer (bounded by the request limit) so the format can be sniffed and the parse is all or nothing.
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            var tasks = ReadUpload(body.ToArray(), name, ParseFormat(format), options.Value);
            return Written(request.HttpContext, pool, await service.ImportAsync(pool, tasks, $"upload {name}", null, ct, Write(request.HttpContext)));
        });
        pools.MapPost("/import-path", async (string pool, ImportPathRequest body, HttpContext context, IPoolService service, IOptions<SiloOptions> options,
            CancellationToken ct) =>
        {
            // The silo's own files: only below the configured roots (symlinks and ".." resolved first), only for admins,
            // and a refusal never says whether the path exists or what it holds.
            var roots = options.Value.ImportRoots.Select(ImportRoots.RealPath).ToArray();
            if (roots.Length == 0)
            {
                return Results.Problem(statusCode: 403, title: "import-path is off",
                    detail: "the silo reads no files of its own until ActiveIT:ImportRoots lists the folders it may read; upload files with /upload instead");
            }
            var outside = Results.Problem(statusCode: 403, title: "Outside the import roots",
                detail: $"'{body.Path}' is not below an import root ({string.Join(", ", options.Value.ImportRoots)})");
            if (!ImportRoots.Contains(roots, body.Path))
            {
                return outside;
            }
            if (!File.Exists(body.Path) && !Directory.Exists(body.Path))
            {
                return Results.Problem(statusCode: 404, title: "No such file", detail: $"path: '{body.Path}' is no file or folder below the import roots");
            }
            var files = TaskFileReader.Files(body.Path);
            if (!files.All(f => ImportRoots.Contains(roots, f)))
            {
                return outside;  // a link inside a root that leads out of it
            }
            var limits = ImportLimits.Default with { MaxBytes = options.Value.MaxRequestBytes };
            var format = ParseFormat(body.Format);
            var tasks = files.SelectMany(f =>
            {
                using var stream = File.OpenRead(f);
                return TaskFileReader.Read(stream, f, format == TaskFileFormat.Auto ? TaskFileReader.Detect(f) : format, limits);
            }).ToList();
            return Written(context, pool, await service.ImportAsync(pool, tasks, $"import {body.Path}", null, ct, Write(context)));
        }).RequireRole(Role.Admin);
        pools.MapGet("/tasks", async (string pool, int? offset, int? limit, long? version, IPoolService service, CancellationToken ct) =>
            Results.Ok(await service.ListAsync(pool, offset ?? 0, Math.Clamp(limit ?? 100, 1, 10_000), ct, version)));
        pools.MapGet("/tasks/{id}", async (string pool, string id, long? version, IPoolService service, CancellationToken ct) =>
            await service.GetTaskAsync(pool, id, ct, version) is { } task
                ? Results.Ok(task)
                : Results.Problem(statusCode: 404, title: "No such task", detail: $"pool '{pool}' has no task '{id}'" + (version is { } v ? $" at version {v}" : "")));
        pools.MapGet("/stats", async (string pool, long? version, IPoolService service, HttpContext http, CancellationToken ct) =>
        {
            var stats = await service.GetStatsAsync(pool, ct, version);
            http.Response.Headers.ETag = Tag(stats.Version);  // what a later conditional write names in If-Match
            return Results.Ok(stats);
        });
        pools.MapGet("/export", (string pool, long? version, IPoolService service, HttpContext context, CancellationToken ct) => ExportAsync(pool, version, service, context, ct));
    }

    /// <summary>Who writes and on what terms: the caller's user and role, <c>If-Match: "N"</c> and <c>Idempotency-Key</c>.</summary>
    private static PoolWrite Write(HttpContext context)
    {
        var caller = Caller.Of(context);
        var headers = context.Request.Headers;
        long? ifVersion = null;
        if (headers.IfMatch.Count > 0)
        {
            var tag = headers.IfMatch.ToString().Trim();
            ifVersion = tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new ArgumentException($"If-Match: '{tag}' is not a pool version; send the ETag a read or write answered, e.g. If-Match: \"12\"");
        }
        string? key = null;
        if (headers.TryGetValue("Idempotency-Key", out var keys))
        {
            key = keys.ToString().Trim().Trim('"');
            if (key.Length is 0 or > 255 || key.Any(char.IsControl))
            {
                throw new ArgumentException("Idempotency-Key: give 1–255 printable characters, a new one per logical write (a UUID is usual)");
            }
        }
        return new PoolWrite(caller?.User, caller?.Role, ifVersion, key);
    }

    /// <summary>A write's answer: its result, with the pool version it produced as the ETag.</summary>
    private static IResult Written<T>(HttpContext context, string pool, T result)
    {
        if (context.RequestServices.GetRequiredService<IOptions<SiloOptions>>().Value.DieAfterWriteTo == pool)
        {
            System.Diagnostics.Process.GetCurrentProcess().Kill();  // SiloOptions.DieAfterWriteTo: committed, never answered
        }
        context.Response.Headers.ETag = Tag(result switch
        {
            ImportSummary summary => summary.PoolVersion,
            PoolVersion version => version.Version,
            _ => throw new ArgumentOutOfRangeException(nameof(result)),
        });
        return Results.Ok(result);
    }

    public static string Tag(long version) => $"\"{version}\"";

    public sealed record RemoveRequest(IReadOnlyList<string>? TaskIds, string? Reason);

    /// <summary>PUT /access: the editors (replacing the list) and, when given, a new owner.</summary>
    public sealed record AccessRequest(string? Owner, IReadOnlyList<string>? Editors);

    /// <summary>
    /// JSON Lines, one task per line of one pool version, streamed as the grains deliver them, then an end record
    /// ({"end": {"pool", "version", "tasks"}}); the version and the count are also headers. A stream cut short — by a
    /// failover, or a proxy that ends it cleanly — lacks the end record, so every client can tell.
    /// </summary>
    private static async Task ExportAsync(string pool, long? version, IPoolService service, HttpContext context, CancellationToken ct)
    {
        var export = await service.ExportAsync(pool, version, ct);
        context.Response.ContentType = "application/x-ndjson";
        context.Response.Headers["X-Pool-Version"] = export.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["X-Pool-Tasks"] = export.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.ETag = Tag(export.Version);
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var sent = 0;
        await foreach (var task in export.Tasks.WithCancellation(ct))
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, task, json, ct);
            await context.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
            sent++;
        }
        if (sent != export.Count)
        {
            throw new InvalidOperationException($"export of pool '{pool}' at version {export.Version}: {sent} tasks read, {export.Count} expected");
        }
        await JsonSerializer.SerializeAsync(context.Response.Body, new ExportEnd(new ExportEndFields(pool, export.Version, export.Count)), json, ct);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
    }

    /// <summary>The export's last line.</summary>
    public sealed record ExportEnd(ExportEndFields End);

    public sealed record ExportEndFields(string Pool, long Version, int Tasks);

    private static IReadOnlyList<InstructionTask> ReadUpload(byte[] body, string name, TaskFileFormat format, SiloOptions options)
    {
        if (format == TaskFileFormat.Auto)
        {
            format = TaskFileReader.Detect(name, body);
        }
        return TaskFileReader.Read(new MemoryStream(body), name, format, ImportLimits.Default with { MaxBytes = options.MaxRequestBytes });
    }

    private static TaskFileFormat ParseFormat(string? format) => format switch
    {
        null or "" or "auto" => TaskFileFormat.Auto,
        "niv2" => TaskFileFormat.Niv2,
        "niv2-metadata" => TaskFileFormat.Niv2Metadata,
        "alpaca" => TaskFileFormat.Alpaca,
        "self-instruct" => TaskFileFormat.SelfInstruct,
        "crossfit" => TaskFileFormat.CrossFit,
        _ => throw new ArgumentException($"format '{format}': use auto, niv2, niv2-metadata, alpaca, self-instruct or crossfit"),
    };

    public sealed record ImportPathRequest(string Path, string? Format = null);

    /// <summary>
    /// Tasks posted as JSON bind field by field (a missing field or a null where none is allowed is refused with its
    /// path); the rules the file readers apply to ids hold here too, with the task's place in the list.
    /// </summary>
    private static void CheckPosted(List<InstructionTask> tasks)
    {
        if (tasks.Count == 0)
        {
            throw new ArgumentException("request body: $ holds no tasks; nothing was imported");
        }
        static void NoNulls<T>(IEnumerable<T?> items, string path)
        {
            var at = 0;
            foreach (var item in items)
            {
                if (item is null)
                {
                    throw new ArgumentException($"request body: {path}[{at}]: null where a value is required; nothing was imported");
                }
                at++;
            }
        }
        NoNulls(tasks, "$");
        for (var i = 0; i < tasks.Count; i++)
        {
            // The binder checks fields, not the items of lists: those are checked here.
            var t = tasks[i];
            NoNulls(t.PositiveExamples, $"$[{i}].positive_examples");
            NoNulls(t.NegativeExamples, $"$[{i}].negative_examples");
            NoNulls(t.Instances, $"$[{i}].instances");
            NoNulls(t.Categories, $"$[{i}].categories");
            NoNulls(t.Domains, $"$[{i}].domains");
            NoNulls(t.Languages, $"$[{i}].languages");
            NoNulls(t.Metadata.Values, $"$[{i}].metadata");
            for (var j = 0; j < t.Instances.Count; j++)
            {
                NoNulls(t.Instances[j].Outputs, $"$[{i}].instances[{j}].outputs");
            }
            if (string.IsNullOrWhiteSpace(tasks[i].Id))
            {
                throw new ArgumentException($"request body: $[{i}].id: a task id must not be empty; nothing was imported");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < tasks[i].Instances.Count; j++)
            {
                var id = tasks[i].Instances[j].Id;
                if (string.IsNullOrWhiteSpace(id) || !seen.Add(id))
                {
                    throw new ArgumentException($"request body: $[{i}].instances[{j}].id: " +
                        (string.IsNullOrWhiteSpace(id) ? "an instance id must not be empty" : $"duplicate instance id '{id}'") + "; nothing was imported");
                }
            }
        }
    }
}
