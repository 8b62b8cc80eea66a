using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool stats`: tasks, instances, and tasks by category, source and format.</summary>
internal sealed class PoolStatsCommand : Command
{
    private readonly PoolConnection _connection = new();

    public PoolStatsCommand() : base("stats", "Counts over a pool")
    {
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var stats = await service.GetStatsAsync(parse.GetValue(_connection.Pool)!, cancellationToken, parse.GetValue(_connection.Version));
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(stats, Json.Options));
            return ExitCodes.Success;
        }
        Console.WriteLine($"pool '{stats.Pool}' (version {stats.Version}): {stats.Tasks} tasks, {stats.Instances} instances, {stats.MeanInstancesPerTask:F1} per task");
        foreach (var (title, counts) in new[] { ("source", stats.TasksBySource), ("format", stats.TasksByFormat), ("category", stats.TasksByCategory) })
        {
            var table = new TextTable(title, "tasks");
            foreach (var (key, n) in counts)
            {
                table.Add(key, n);
            }
            table.FitToRows();
            Console.WriteLine();
            Console.WriteLine(table);
        }
        return ExitCodes.Success;
    });
}
