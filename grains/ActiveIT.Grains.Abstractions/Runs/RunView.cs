using System.Text.Json;

namespace ActiveIT.Grains.Runs;

/// <summary>A <see cref="RunRecord"/> as the HTTP API answers it: config and result as JSON objects, not strings.</summary>
public sealed record RunView(string Kind, string Name, string? Owner, RunStatus Status, JsonElement Config, RunProgress? Progress, JsonElement? Result,
    string? Error, RunnerLease? Runner, IReadOnlyList<RunSession> Sessions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, double Seconds)
{
    public static RunView Of(RunRecord r) => new(r.Kind, r.Name, r.Owner, r.Status, Parse(r.Config), r.Progress, r.Result is { } result ? Parse(result) : null,
        r.Error, r.Runner, r.Sessions, r.CreatedAt, r.UpdatedAt, r.Seconds);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
