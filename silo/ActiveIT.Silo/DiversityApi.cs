using System.Text.Json;
using System.Text.Json.Nodes;
using ActiveIT.Grains;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Pools;
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
    public static readonly string[] SummaryFields = ["alpha", "instructions", "examples_per_instruction", "seeds", "unseen_mean", "unseen_std", "seen_mean", "seen_std"];

    public static void MapDiversityApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/v1/diversity");
        runs.MapGet("", async (IGrainFactory grains) =>
        {
            var names = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListDiversityRunsAsync();
            var found = await Task.WhenAll(names.Select(n => grains.GetGrain<IDiversityRunGrain>(n).GetAsync()));
            return Results.Ok(found.OfType<DiversityRun>().Select(r => new { r.Name, r.Owner, r.UpdatedAt, r.Models, r.Finished }));
        });
        runs.MapGet("/{name}", async (string name, IGrainFactory grains) =>
            await grains.GetGrain<IDiversityRunGrain>(name).GetAsync() is { } run
                ? Results.Json(new JsonObject
                {
                    ["name"] = run.Name, ["owner"] = run.Owner, ["updated_at"] = run.UpdatedAt, ["models"] = run.Models, ["finished"] = run.Finished,
                    ["record"] = JsonNode.Parse(run.Record),
                })
                : NotFound(name));
        runs.MapPut("/{name}", async (string name, HttpRequest request, IGrainFactory grains, HttpContext http) =>
        {
            if (!NameRule.IsValid(name))
            {
                throw new ArgumentException($"name: '{name}' — use 1–100 letters, digits, '-', '_' or '.'");
            }
            var (models, finished, text) = await ReadRecordAsync(request);
            var caller = Caller.Of(http)!;
            var grain = grains.GetGrain<IDiversityRunGrain>(name);
            var existing = await grain.GetAsync();
            if (existing is not null && !caller.MayChange(existing.Owner))
            {
                return NotYours(existing, caller, "replace");
            }
            await grain.PutAsync(new DiversityRun(name, existing?.Owner ?? caller.User, DateTimeOffset.UtcNow, models, finished, text));
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
                return NotYours(run, caller, "delete");
            }
            await grain.DeleteAsync();
            return Results.NoContent();
        });
    }

    /// <summary>A run record: a JSON object whose "results" is a list (one entry per trained model); "finished" says whether the run ended.</summary>
    private static async Task<(int Models, bool Finished, string Text)> ReadRecordAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"request body, line {(e.LineNumber ?? 0) + 1}: not JSON ({e.Message})");
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
            // What the page draws from each summary row must be there, and be numbers.
            var row = 0;
            foreach (var item in summary.EnumerateArray())
            {
                foreach (var field in SummaryFields)
                {
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.Number
                        || (field is "instructions" or "seeds" && !value.TryGetInt32(out _)))
                    {
                        throw new ArgumentException($"request body, $.summary[{row}].{field}: a {(field is "instructions" or "seeds" ? "whole number" : "number")} is required");
                    }
                }
                row++;
            }
            var finished = root.TryGetProperty("finished", out var f) && f.ValueKind == JsonValueKind.True;
            return (results.GetArrayLength(), finished, text);
        }
    }

    private static IResult NotYours(DiversityRun run, Caller caller, string action) => Results.Problem(statusCode: 403, title: "Another user's run",
        detail: $"diversity run '{run.Name}' belongs to {run.Owner}; {caller} may {action} only their own (admins may {action} any)");

    private static IResult NotFound(string name) => Results.Problem(statusCode: 404, title: "No such diversity run", detail: $"no diversity run '{name}'");
}
