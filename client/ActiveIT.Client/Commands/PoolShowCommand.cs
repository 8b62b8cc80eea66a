using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool show TASK`: one task — its instruction, examples and first instances (--json: all of it).</summary>
internal sealed class PoolShowCommand : Command
{
    private readonly Argument<string> _task = new("task") { Description = "Task id" };
    private readonly PoolConnection _connection = new();

    public PoolShowCommand() : base("show", "Show one task of a pool")
    {
        Arguments.Add(_task);
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var pool = parse.GetValue(_connection.Pool)!;
        var id = parse.GetValue(_task)!;
        var version = parse.GetValue(_connection.Version);
        var task = await service.GetTaskAsync(pool, id, cancellationToken, version);
        if (task is null)
        {
            Console.Error.WriteLine($"activeit pool show: pool '{pool}' has no task '{id}'{(version is { } v ? $" at version {v}" : "")}");
            return ExitCodes.InvalidInput;
        }
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(task, Json.Options));
            return ExitCodes.Success;
        }
        Console.WriteLine($"{task.Id}  ({task.Source}, {task.Format}, version {task.ContentHash()[..12]})");
        Console.WriteLine($"categories: {string.Join("; ", task.Categories)}   domains: {string.Join("; ", task.Domains)}   licence: {task.License ?? "-"}");
        Console.WriteLine($"\nDefinition:\n  {task.Definition}\n");
        Console.WriteLine($"{task.PositiveExamples.Count} positive, {task.NegativeExamples.Count} negative examples; {task.Instances.Count} instances. First instances:");
        foreach (var i in task.Instances.Take(3))
        {
            Console.WriteLine($"  [{i.Id}] {Short(i.Input)} → {Short(string.Join(" | ", i.Outputs))}");
        }
        return ExitCodes.Success;
    });

    private static string Short(string s) => s.Length <= 100 ? s.ReplaceLineEndings(" ") : s[..97].ReplaceLineEndings(" ") + "...";
}
