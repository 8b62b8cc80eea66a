using System.Text.Json;

namespace ActiveIT.Grains.Runs;

/// <summary>A <see cref="RunRecord"/> as the HTTP API answers it: config, result and each finished step's result as JSON, not strings.</summary>
public sealed record RunView(string Kind, string Name, string? Owner, RunStatus Status, JsonElement Config, RunProgress? Progress, JsonElement? Result,
    string? Error, RunnerLease? Runner, IReadOnlyList<RunSession> Sessions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, double Seconds,
    IReadOnlyList<RunStepView>? Steps = null)
{
    public static RunView Of(RunRecord r) => new(r.Kind, r.Name, r.Owner, r.Status, Parse(r.Config), r.Progress, r.Result is { } result ? Parse(result) : null,
        r.Error, r.Runner, r.Sessions, r.CreatedAt, r.UpdatedAt, r.Seconds, [.. r.Steps.Select(s => new RunStepView(s.Key, Parse(s.Result), s.At))]);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A finished step as the HTTP API answers it.</summary>
public sealed record RunStepView(string Key, JsonElement Result, DateTimeOffset At);
