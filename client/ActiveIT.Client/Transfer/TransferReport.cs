using System.Globalization;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Client.Transfer;

/// <summary>A run's state for people (a table of tasks and a summary) or programs (--json).</summary>
internal static class TransferReport
{
    public static void Print(TransferRunState state, bool json)
    {
        if (json)
        {
            Console.WriteLine(Json.Line(state));
            return;
        }
        var status = state.Status.ToString().ToLowerInvariant();
        if (state.Spec is not { } spec)
        {
            Console.WriteLine($"transfer into pool '{state.Name}': {status}{(state.StopReason is { } error ? $" ({error})" : "")}; nothing transferred yet");
            return;
        }
        var table = new TextTable("task", "status", "chosen", "score", "parsed", "reason");
        foreach (var o in state.Outcomes.Values.OrderBy(o => o.TaskId, StringComparer.Ordinal))
        {
            table.Add(o.TaskId, o.Status, o.Chosen?.ToString(CultureInfo.InvariantCulture) ?? "-", o.Score ?? double.NaN, $"{o.Parsed}/{o.Candidates}", o.Reason ?? "");
        }
        table.FitToRows();
        Console.WriteLine(table);
        var transferred = state.Outcomes.Values.Count(o => o.Status == TransferTaskOutcome.Transferred);
        Console.WriteLine();
        Console.WriteLine($"transfer of pool '{spec.SourcePool}' to {spec.Target} → pool '{spec.OutPool}': {status}" +
                          (state.StopReason is { } why ? $" ({why}; run the same command again to resume)" : ""));
        Console.WriteLine($"{transferred} of {state.Tasks} tasks transferred, {state.Outcomes.Count - transferred} failed; " +
                          string.Create(CultureInfo.InvariantCulture, $"{state.Requests} requests, {state.PromptTokens:N0} prompt + {state.CompletionTokens:N0} completion tokens, ${state.Cost:0.####}; ") +
                          string.Create(CultureInfo.InvariantCulture, $"{state.Seconds:F1} s"));
        Console.WriteLine($"config {spec.ConfigKey} ({spec.Backend}); choice {spec.Denoise}; labels {spec.LabelMap}; budget {spec.Budget}");
    }

    public static void PrintTask(TransferTaskView view, bool json)
    {
        if (json)
        {
            Console.WriteLine(Json.Line(view));
            return;
        }
        var chosen = view.State.Chosen.TryGetValue(view.ChoiceKey, out var c) ? c : (int?)null;
        Console.WriteLine($"task {view.TaskId} → {view.Target} (config {view.ConfigKey}, {view.State.Backend}); choice by {view.ChoiceKey}");
        if (view.Outcome is { } o)
        {
            Console.WriteLine($"outcome: {o.Status}{(o.Reason is null ? "" : $" ({o.Reason})")}");
        }
        foreach (var candidate in view.State.Candidates)
        {
            var score = candidate.Scores.TryGetValue(view.ChoiceKey, out var s) ? s.ToString("F4", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine();
            Console.WriteLine($"--- candidate {candidate.Index}{(candidate.Index == chosen ? "  [chosen]" : "")}  seed {candidate.Seed}  score {score}  " +
                              $"finish {candidate.FinishReason}  tokens {candidate.PromptTokens}+{candidate.CompletionTokens}");
            Console.WriteLine(candidate.Parsed ?? $"(unusable: {candidate.Error})\n{candidate.Raw}");
            foreach (var warning in candidate.Warnings)
            {
                Console.WriteLine($"  warning: {warning}");
            }
        }
    }
}
