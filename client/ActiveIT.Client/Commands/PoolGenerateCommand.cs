using System.CommandLine;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Families;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit pool generate`: synthetic tasks added to a pool — string-rewrite tasks (one per rule), or a heterogeneous
/// pool of task families with recorded ground truth (family, kind, difficulty, injected ambiguity or label noise).
/// </summary>
internal sealed class PoolGenerateCommand : Command
{
    private readonly Option<string> _kind = new("--kind") { Description = "rewrite (one task per rewrite rule) or families (many kinds of string tasks)", DefaultValueFactory = _ => "rewrite" };
    private readonly Option<int> _rules = new("--rules") { Description = "rewrite: how many rules (tasks)", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _tasks = new("--tasks") { Description = "families: how many tasks", DefaultValueFactory = _ => 200 };
    private readonly Option<int> _instances = new("--instances") { Description = "Instances per task", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _seed = new("--seed") { Description = "Generator seed", DefaultValueFactory = _ => 1 };
    private readonly Option<int?> _alphabet = new("--alphabet") { Description = "Alphabet size (rewrite: 6, families: 8 by default)" };
    private readonly Option<int> _inputLength = new("--input-length") { Description = "rewrite: input string length", DefaultValueFactory = _ => RewriteGeneratorOptions.Demo.InputLength };
    private readonly Option<int> _minLength = new("--min-length") { Description = "families: shortest string", DefaultValueFactory = _ => new FamilyPoolOptions().MinLength };
    private readonly Option<int> _maxLength = new("--max-length") { Description = "families: longest string", DefaultValueFactory = _ => new FamilyPoolOptions().MaxLength };
    private readonly Option<double> _classification = new("--classification-share") { Description = "families: share of classification tasks", DefaultValueFactory = _ => 0.356 };
    private readonly Option<double> _ambiguous = new("--ambiguous-share") { Description = "families: share of tasks with an underspecified instruction", DefaultValueFactory = _ => 0.1 };
    private readonly Option<double> _noisy = new("--noisy-share") { Description = "families: share of tasks with corrupted labels", DefaultValueFactory = _ => 0.1 };
    private readonly Option<double> _noiseRate = new("--noise-rate") { Description = "families: share of a noisy task's labels that are wrong", DefaultValueFactory = _ => 0.3 };
    private readonly Option<string[]> _families = new("--families")
    {
        Description = $"families: only these ({string.Join(", ", TaskFamilies.All.Select(f => f.Name))}), e.g. to hold some out",
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly PoolConnection _connection = new();

    public PoolGenerateCommand() : base("generate", "Add synthetic tasks to a pool: string-rewrite rules, or task families with known ground truth")
    {
        _kind.AcceptOnlyFromAmong("rewrite", "families");
        foreach (var option in new Option[] { _kind, _rules, _tasks, _instances, _seed, _alphabet, _inputLength, _minLength, _maxLength, _classification, _ambiguous, _noisy, _noiseRate, _families })
        {
            Options.Add(option);
        }
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var kind = parse.GetValue(_kind)!;
        var seed = (ulong)parse.GetValue(_seed);
        var tasks = kind == "families" ? Families(parse, seed) : Rewrite(parse, seed);
        var pool = parse.GetValue(_connection.Pool)!;
        var summary = await service.ImportAsync(pool, tasks, $"generate {kind} seed {seed}", null, cancellationToken);
        Console.WriteLine(parse.GetValue(_connection.Json)
            ? Json.Line(summary)
            : $"pool '{pool}': {summary.Added} added, {summary.Updated} updated, {summary.Unchanged} unchanged → {summary.PoolTasks} tasks");
        return ExitCodes.Success;
    });

    private IReadOnlyList<InstructionTask> Rewrite(ParseResult parse, ulong seed)
    {
        var options = RewriteGeneratorOptions.Demo with
        {
            AlphabetSize = parse.GetValue(_alphabet) ?? RewriteGeneratorOptions.Demo.AlphabetSize, InputLength = parse.GetValue(_inputLength),
        };
        return RewriteTaskSource.Tasks(new RewriteGenerator(options), parse.GetValue(_rules), parse.GetValue(_instances), seed);
    }

    private IReadOnlyList<InstructionTask> Families(ParseResult parse, ulong seed)
    {
        var names = parse.GetValue(_families)?.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var options = new FamilyPoolOptions(parse.GetValue(_tasks), parse.GetValue(_instances), parse.GetValue(_classification), parse.GetValue(_ambiguous),
            parse.GetValue(_noisy), parse.GetValue(_noiseRate), parse.GetValue(_alphabet) ?? new FamilyPoolOptions().AlphabetSize,
            parse.GetValue(_minLength), parse.GetValue(_maxLength), names);
        return FamilyTaskSource.Tasks(options, seed);
    }
}
