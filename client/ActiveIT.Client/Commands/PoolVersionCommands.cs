using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit pool remove`: tasks out of a pool as one new version that records why — named, or the tasks of one task-map
/// category under a model's cached scores (the map `activeit map` draws with the same options).
/// </summary>
internal sealed class PoolRemoveCommand : Command
{
    private readonly Option<string[]> _tasks = new("--task") { Description = "Task ids to remove (repeat, or comma-separated)", AllowMultipleArgumentsPerToken = true };
    private readonly Option<TaskMapCategory?> _category = new("--map-category")
    {
        Description = "Remove the tasks the task map puts in this category (ambiguous, easy, difficult) under --model's cached scores",
    };
    private readonly Option<double> _ambiguous = new("--ambiguous-share") { Description = "With --map-category: the map's share of tasks called ambiguous", DefaultValueFactory = _ => 1.0 / 3 };
    private readonly Option<string> _reason = new("--reason") { Description = "Why they go: kept with the version (`pool history`)", Required = true };
    private readonly PoolConnection _connection = new();
    private readonly ScoringOptions _scoring = new();

    public PoolRemoveCommand() : base("remove", "Remove tasks from a pool, by id or by task-map category (a new version; earlier versions keep them)")
    {
        Options.Add(_tasks);
        Options.Add(_category);
        Options.Add(_ambiguous);
        Options.Add(_reason);
        _connection.AddTo(this);
        _connection.AddWriteTo(this);
        _scoring.AddTo(this);
        _scoring.Model.Required = false;
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var pool = parse.GetValue(_connection.Pool)!;
        var ids = await IdsAsync(parse, pool, cancellationToken);
        var version = await service.RemoveAsync(pool, ids, parse.GetValue(_reason)!, _connection.Write(parse), cancellationToken);
        if (version is null)
        {
            Console.Error.WriteLine($"activeit pool remove: pool '{pool}' has none of the {ids.Length} tasks named");
            return ExitCodes.InvalidInput;
        }
        Console.WriteLine(parse.GetValue(_connection.Json) ? JsonSerializer.Serialize(version, Json.Options)
            : $"pool '{pool}' version {version.Version}: removed {version.Removed} of {ids.Length} named tasks ({version.Tasks} remain); reason: {version.Reason}");
        return ExitCodes.Success;
    });

    /// <summary>The ids named, or those of the map category (read at --if-version where given, so the removal applies to the map it read).</summary>
    private async Task<string[]> IdsAsync(ParseResult parse, string pool, CancellationToken cancellationToken)
    {
        var named = (parse.GetValue(_tasks) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToArray();
        if (parse.GetValue(_category) is not { } category)
        {
            return named.Length > 0 ? named : throw new ArgumentException("name the tasks to remove (--task) or a task-map category (--map-category with --model)");
        }
        if (named.Length > 0 || parse.GetValue(_scoring.Model) is null)
        {
            throw new ArgumentException(named.Length > 0 ? "--task and --map-category: choose one" : "--map-category needs --model (and the scoring options `activeit map` used)");
        }
        var cached = await CachedScores.ReadAsync(parse, _connection, _scoring, pool, parse.GetValue(_connection.IfVersion), cancellationToken);
        if (cached.Results.Count == 0)
        {
            throw new ArgumentException($"pool '{pool}' has no scores for {cached.Key}; run `activeit score` with the same options first");
        }
        var entries = TaskMap.Categorize([.. cached.Results.Select(s => new TaskMap.Point(s.TaskId, s.PromptUncertainty, s.PredictionProbability))], parse.GetValue(_ambiguous));
        var ids = entries.Where(e => e.Category == category).Select(e => e.TaskId).ToArray();
        return ids.Length > 0 ? ids : throw new ArgumentException($"the task map of pool '{pool}' under {cached.Key} has no {category} task");
    }
}

/// <summary>`activeit pool history`: every readable version, who made it, when, from what, and why.</summary>
internal sealed class PoolHistoryCommand : Command
{
    private readonly PoolConnection _connection = new();

    public PoolHistoryCommand() : base("history", "The versions of a pool: who changed what, when, from where, and why")
    {
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var history = await service.GetHistoryAsync(parse.GetValue(_connection.Pool)!, cancellationToken);
        if (parse.GetValue(_connection.Json))
        {
            foreach (var v in history)
            {
                Console.WriteLine(Json.Line(v));
            }
            return ExitCodes.Success;
        }
        var table = new TextTable("version", "at (UTC)", "who", "added", "updated", "removed", "tasks", "origin", "reason");
        foreach (var v in history)
        {
            table.Add(v.Version, v.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), v.Who ?? "-", v.Added, v.Updated, v.Removed,
                v.Tasks, v.Origin, v.Reason ?? "");
        }
        table.FitToRows();
        Console.WriteLine(table);
        return ExitCodes.Success;
    });
}

/// <summary>`activeit pool diff --from A --to B`: the tasks added, updated and removed between two versions.</summary>
internal sealed class PoolDiffCommand : Command
{
    private readonly Option<long> _from = new("--from") { Description = "The earlier version", Required = true };
    private readonly Option<long> _to = new("--to") { Description = "The later version", Required = true };
    private readonly PoolConnection _connection = new();

    public PoolDiffCommand() : base("diff", "The tasks added, updated and removed between two versions of a pool")
    {
        Options.Add(_from);
        Options.Add(_to);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var diff = await service.DiffAsync(parse.GetValue(_connection.Pool)!, parse.GetValue(_from), parse.GetValue(_to), cancellationToken);
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(diff, Json.Options));
            return ExitCodes.Success;
        }
        Console.WriteLine($"pool '{diff.Pool}' from version {diff.From} to {diff.To}: {diff.Added} added, {diff.Updated} updated, {diff.Removed} removed");
        var table = new TextTable("task", "change", "from", "to");
        foreach (var c in diff.Changes)
        {
            table.Add(c.TaskId, c.Kind.ToString().ToLowerInvariant(), c.FromHash?[..12] ?? "-", c.ToHash?[..12] ?? "-");
        }
        table.FitToRows();
        Console.WriteLine(table);
        return ExitCodes.Success;
    });
}
