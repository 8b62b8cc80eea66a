using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool remove`: tasks out of a pool as one new version that records why.</summary>
internal sealed class PoolRemoveCommand : Command
{
    private readonly Option<string[]> _tasks = new("--task") { Description = "Task ids to remove (repeat, or comma-separated)", Required = true, AllowMultipleArgumentsPerToken = true };
    private readonly Option<string> _reason = new("--reason") { Description = "Why they go: kept with the version (`pool history`)", Required = true };
    private readonly PoolConnection _connection = new();

    public PoolRemoveCommand() : base("remove", "Remove tasks from a pool (a new version; earlier versions keep them)")
    {
        Options.Add(_tasks);
        Options.Add(_reason);
        _connection.AddTo(this);
        _connection.AddWriteTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var pool = parse.GetValue(_connection.Pool)!;
        var ids = parse.GetValue(_tasks)!.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToArray();
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
