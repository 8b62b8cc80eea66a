using System.CommandLine;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool generate`: string-rewrite tasks (one per rule) from the seeded generator, added to a pool.</summary>
internal sealed class PoolGenerateCommand : Command
{
    private readonly Option<int> _rules = new("--rules") { Description = "How many rules (tasks)", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _instances = new("--instances") { Description = "Instances per task", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _seed = new("--seed") { Description = "Generator seed", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _alphabet = new("--alphabet") { Description = "Alphabet size", DefaultValueFactory = _ => RewriteGeneratorOptions.Demo.AlphabetSize };
    private readonly Option<int> _inputLength = new("--input-length") { Description = "Input string length", DefaultValueFactory = _ => RewriteGeneratorOptions.Demo.InputLength };
    private readonly PoolConnection _connection = new();

    public PoolGenerateCommand() : base("generate", "Add string-rewrite tasks (one per rule, demo-scale strings by default) to a pool")
    {
        foreach (var option in new Option[] { _rules, _instances, _seed, _alphabet, _inputLength })
        {
            Options.Add(option);
        }
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var options = RewriteGeneratorOptions.Demo with { AlphabetSize = parse.GetValue(_alphabet), InputLength = parse.GetValue(_inputLength) };
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(options), parse.GetValue(_rules), parse.GetValue(_instances), (ulong)parse.GetValue(_seed));
        var pool = parse.GetValue(_connection.Pool)!;
        var summary = await service.ImportAsync(pool, tasks, $"generate rewrite seed {parse.GetValue(_seed)}", null, cancellationToken);
        Console.WriteLine(parse.GetValue(_connection.Json)
            ? Json.Line(summary)
            : $"pool '{pool}': {summary.Added} added, {summary.Updated} updated, {summary.Unchanged} unchanged → {summary.PoolTasks} tasks");
        return ExitCodes.Success;
    });
}
