using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Families;
using ActiveIT.Core.Uncertainty;
using ActiveIT.Grains.Pools;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit map`: the task map of a pool from its cached scores (run `activeit score` first). Where the pool's tasks
/// record injected ground truth (`pool generate --kind families`), the map is checked against it.
/// </summary>
internal sealed class MapCommand : Command
{
    private readonly PoolConnection _connection = new();
    private readonly ScoringOptions _scoring = new();
    private readonly Option<double> _ambiguous = new("--ambiguous-share") { Description = "Share of tasks, by highest PU, called ambiguous", DefaultValueFactory = _ => 1.0 / 3 };
    private readonly Option<string?> _svg = new("--svg") { Description = "Write the scatter plot here" };
    private readonly Option<string?> _csv = new("--csv") { Description = "Write task, PU, PP, perplexity, category here" };

    public MapCommand() : base("map", "Categorise a pool's tasks as ambiguous, easy or difficult from their cached scores")
    {
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        _scoring.AddTo(this);
        Options.Add(_ambiguous);
        Options.Add(_svg);
        Options.Add(_csv);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var pool = parse.GetValue(_connection.Pool)!;
        RemoteScoring.Scores cached;
        Dictionary<string, string> truth;
        var version = parse.GetValue(_connection.Version);
        try
        {
            cached = await CachedScores.ReadAsync(parse, _connection, _scoring, pool, version, cancellationToken);
            await using var session = await _connection.OpenAsync(parse);
            truth = await GroundTruthAsync(session.Service, pool, cached.Results.Select(r => r.TaskId), version, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or HttpRequestException)
        {
            Console.Error.WriteLine($"activeit map: {e.Message}");
            return e is ArgumentException ? ExitCodes.InvalidInput : ExitCodes.Failure;
        }
        var scores = cached.Results;
        if (scores.Count == 0)
        {
            Console.Error.WriteLine($"activeit map: pool '{pool}' has no scores for {cached.Key}; run `activeit score` with the same options first");
            return ExitCodes.InvalidInput;
        }
        var share = parse.GetValue(_ambiguous);
        var entries = TaskMap.Categorize([.. scores.Select(s => new TaskMap.Point(s.TaskId, s.PromptUncertainty, s.PredictionProbability))], share);
        var rule = TaskMap.Rule(share);
        var check = truth.Count > 0 ? TaskMapTruth.Check(entries, truth) : null;
        if (parse.GetValue(_svg) is { } svg)
        {
            File.WriteAllText(svg, TaskMapSvg.Render(entries, $"Task map of pool '{pool}' ({entries.Count} tasks)", $"{cached.Key}; {rule}"));
        }
        if (parse.GetValue(_csv) is { } csv)
        {
            File.WriteAllText(csv, CsvText.Write(["task_id", "prompt_uncertainty", "prediction_probability", "perplexity", "category"],
                entries.Zip(scores, (e, s) => new object?[] { e.TaskId, e.PromptUncertainty, e.PredictionProbability, s.Perplexity, e.Category })));
        }
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { Pool = pool, Key = cached.Key, Rule = rule, Tasks = entries, TruthCheck = check }, Json.Options));
            return ExitCodes.Success;
        }
        Console.WriteLine($"task map of pool '{pool}': {entries.Count} tasks; {rule}");
        foreach (var group in entries.GroupBy(e => e.Category).OrderBy(g => g.Key))
        {
            Console.WriteLine($"  {group.Key,-10} {group.Count(),5} tasks, mean PU {group.Average(e => e.PromptUncertainty):0.#####}, mean PP {group.Average(e => e.PredictionProbability):0.####}");
        }
        if (check is not null)
        {
            var table = new TextTable("injected", "tasks", "category", "in category", "of category", "precision", "recall");
            foreach (var row in check)
            {
                table.Add(row.Injected, row.Injections, row.Category, row.Hits, row.CategorySize, row.Precision, row.Recall);
            }
            table.FitToRows();
            Console.WriteLine($"\nthe map against the pool's ground truth ({truth.Count} labelled tasks; expected: ambiguous → Ambiguous, noisy → Difficult):");
            Console.WriteLine(table);
        }
        return ExitCodes.Success;
    }

    /// <summary>Each scored task's injected kind, where its metadata records one (families pools); empty for other pools.</summary>
    private static async Task<Dictionary<string, string>> GroundTruthAsync(ActiveIT.Grains.Pools.IPoolService service, string pool, IEnumerable<string> taskIds,
        long? version, CancellationToken cancellationToken)
    {
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in taskIds)
        {
            if (await service.GetTaskAsync(pool, id, cancellationToken, version) is { } task && task.Metadata.TryGetValue(FamilyTaskSource.Injected, out var injected))
            {
                truth[id] = injected;
            }
        }
        return truth;
    }
}
