using System.CommandLine;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool list`: members ordered by task id, a page at a time.</summary>
internal sealed class PoolListCommand : Command
{
    private readonly Option<int> _offset = new("--offset") { Description = "Skip this many tasks", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _limit = new("--limit") { Description = "Show at most this many tasks", DefaultValueFactory = _ => 100 };
    private readonly PoolConnection _connection = new();

    public PoolListCommand() : base("list", "List a pool's tasks (id, source, format, instances, categories)")
    {
        Options.Add(_offset);
        Options.Add(_limit);
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var members = await service.ListAsync(parse.GetValue(_connection.Pool)!, parse.GetValue(_offset), parse.GetValue(_limit), cancellationToken,
            parse.GetValue(_connection.Version));
        if (parse.GetValue(_connection.Json))
        {
            foreach (var m in members)
            {
                Console.WriteLine(Json.Line(m));
            }
            return ExitCodes.Success;
        }
        var table = new TextTable("task", "source", "format", "instances", "categories");
        foreach (var m in members)
        {
            table.Add(m.TaskId, m.Source, m.Format, m.Instances, string.Join("; ", m.Categories));
        }
        table.FitToRows();
        Console.WriteLine(table);
        return ExitCodes.Success;
    });
}
