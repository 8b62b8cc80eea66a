using System.Text.Json;
using ActiveIT.Grains;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Access;
using ActiveIT.Silo.Access;

namespace ActiveIT.Silo;

/// <summary>
/// Instruction-diversity runs trained by the CLI and published to the cluster (`activeit diversity --silo URL`), for
/// the web page: PUT /v1/diversity/{name} takes a run record (run.json) and replaces the run's last one — the CLI sends
/// it after every model — GET /v1/diversity lists runs, GET …/{name} returns one with its record, DELETE removes it.
/// Runs belong to the user who first published them: only they or an admin replace or delete them.
/// </summary>
public static class DiversityApi
{
    /// <summary>The fields of a summary row (DiversitySummary, as the CLI writes it) that the web page reads.</summary>
    private const long MaxRecordBytes = 16L << 20;
    private const int MaxRecordDepth = 60;
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static readonly string[] SummaryFields = ["alpha", "instructions", "examples_per_instruction", "seeds", "unseen_mean", "unseen_std", "seen_mean", "seen_std"];

    public static void MapDiversityApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/v1/diversity");
        runs.MapGet("", async (IGrainFactory grains) =>
        {
            var names = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListDiversityRunsAsync();
            return Results.Ok((await Task.WhenAll(names.Select(n => grains.GetGrain<IDiversityRunGrain>(n).InfoAsync()))).OfType<DiversityRunInfo>());
        });
        runs.MapGet("/{name}", async (string name, IGrainFactory grains) =>
        {
            if (await grains.GetGrain<IDiversityRunGrain>(name).GetAsync() is not { } run)
            {
                return NotFound(name);
            }
            // The record goes out as it came in (raw): re-serialising a node tree one level deeper could pass the depth limit.
            var head = JsonSerializer.Serialize(new { run.Name, run.Owner, run.UpdatedAt, run.Models, run.Finished, run.Cancelled }, SnakeCase);
            return Results.Text($"{head[..^1]},\"record\":{run.Record}}}", "application/json");
        });
        runs.MapPut("/{name}", async (string name, HttpRequest request, IGrainFactory grains, HttpContext http) =>
        {
            if (!NameRule.IsValid(name))
            {
                throw new ArgumentException($"name: '{name}' — use 1–100 letters, digits, '-', '_' or '.'");
            }
            var (models, finished, cancelled, text) = await ReadRecordAsync(request);
            var caller = Caller.Of(http)!;
            var run = new DiversityRun(name, caller.User, DateTimeOffset.UtcNow, models, finished, text, cancelled);
            if (await grains.GetGrain<IDiversityRunGrain>(name).PutAsync(run, mayReplaceOthers: caller.Role == Role.Admin) is { } owner)
            {
                return NotYours(name, owner, caller, "replace");
            }
            return Results.Ok(new { Name = name, Models = models, Finished = finished });
        });
        runs.MapDelete("/{name}", async (string name, IGrainFactory grains, HttpContext http) =>
        {
            var grain = grains.GetGrain<IDiversityRunGrain>(name);
            if (await grain.GetAsync() is not { } run)
            {
                return NotFound(name);
            }
            var caller = Caller.Of(http)!;
            if (!caller.MayChange(run.Owner))
            {
                return NotYours(name, run.Owner, caller, "delete");
            }
            await grain.DeleteAsync();
            return Results.NoContent();
        });
    }

    /// <summary>A run record: a JSON object whose "results" is a list (one entry per trained model) and whose "summary" rows
    /// carry finite numbers; "finished" / "cancelled" say how the run stands. Bounded apart from the silo's request limit.</summary>
    private static async Task<(int Models, bool Finished, bool Cancelled, string Text)> ReadRecordAsync(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = Math.Min(size.MaxRequestBodySize ?? long.MaxValue, MaxRecordBytes);
        }
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxRecordDepth });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"request body, line {(e.LineNumber ?? 0) + 1}: not JSON, or nested deeper than {MaxRecordDepth} ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            try
            {
                new Core.Formats.JsonFields("request body", Core.Formats.ImportLimits.Default).CheckText(root, "$");  // lone surrogates, before any name is read
            }
            catch (Core.Formats.TaskFormatException e)
            {
                throw new ArgumentException(e.Message);
            }
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                throw new ArgumentException("request body, $.results: a run record (run.json of `activeit diversity`) needs a list of results");
            }
            if (!root.TryGetProperty("summary", out var summary) || summary.ValueKind != JsonValueKind.Array)
            {
                throw new ArgumentException("request body, $.summary: a run record needs its summary list (mean and std per instruction count)");
            }
            if (root.TryGetProperty("config", out var config) && config.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("request body, $.config: the run's config, an object");
            }
            // What the page draws from each summary row must be there, and be finite numbers.
            var row = 0;
            foreach (var item in summary.EnumerateArray())
            {
                foreach (var field in SummaryFields)
                {
                    var whole = field is "instructions" or "seeds";
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.Number
                        || !value.TryGetDouble(out var number) || !double.IsFinite(number) || (whole && !value.TryGetInt32(out _)))
                    {
                        throw new ArgumentException($"request body, $.summary[{row}].{field}: a {(whole ? "whole number" : "finite number")} is required");
                    }
                }
                row++;
            }
            return (results.GetArrayLength(), Flag(root, "finished"), Flag(root, "cancelled"), text);
        }
    }

    private static bool Flag(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static IResult NotYours(string name, string owner, Caller caller, string action) => Results.Problem(statusCode: 403, title: "Another user's run",
        detail: $"diversity run '{name}' belongs to {owner}; {caller} may {action} only their own (admins may {action} any)");

    private static IResult NotFound(string name) => Results.Problem(statusCode: 404, title: "No such diversity run", detail: $"no diversity run '{name}'");
}
