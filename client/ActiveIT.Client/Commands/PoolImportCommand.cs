using System.CommandLine;
using System.Diagnostics;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Formats;
using ActiveIT.Grains.Import;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool import PATH…`: reads every file first (all or nothing), then adds or updates the tasks.</summary>
internal sealed class PoolImportCommand : Command
{
    private readonly Argument<string[]> _paths = new("paths") { Description = "Files or folders (NIV2 .json, FLAN v2's NIV2 metadata .json, Alpaca .json/.jsonl, Self-Instruct .jsonl, CrossFit .tsv)", Arity = ArgumentArity.OneOrMore };
    private readonly Option<TaskFileFormat> _format = new("--format") { Description = "auto, niv2, niv2-metadata, alpaca, self-instruct or crossfit", DefaultValueFactory = _ => TaskFileFormat.Auto, CustomParser = ParseFormat };
    private readonly Option<long> _maxBytes = new("--max-bytes") { Description = "Largest file read", DefaultValueFactory = _ => ImportLimits.Default.MaxBytes };
    private readonly PoolConnection _connection = new();

    public PoolImportCommand() : base("import", "Add or update tasks from files; a bad file imports nothing and names the file, line or JSON path, and field")
    {
        Arguments.Add(_paths);
        Options.Add(_format);
        Options.Add(_maxBytes);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var limits = ImportLimits.Default with { MaxBytes = parse.GetValue(_maxBytes) };
        List<Core.Tasks.InstructionTask> tasks = [];
        try
        {
            foreach (var path in parse.GetValue(_paths)!)
            {
                tasks.AddRange(TaskFileReader.Read(path, parse.GetValue(_format), limits));
            }
        }
        catch (Exception e) when (e is TaskFormatException or FileNotFoundException)
        {
            Console.Error.WriteLine($"activeit pool import: {e.Message}");
            Console.Error.WriteLine("nothing was imported");
            return ExitCodes.InvalidInput;
        }
        var readSeconds = watch.Elapsed.TotalSeconds;
        var pool = parse.GetValue(_connection.Pool)!;
        var line = new ProgressLine();
        var code = await _connection.RunAsync(parse, async service =>
        {
            var summary = await service.ImportAsync(pool, tasks, $"import {string.Join(' ', parse.GetValue(_paths)!)}",
                new Progress<int>(n => line.Update($"stored {n}/{tasks.Count} tasks")), cancellationToken);
            line.Clear();
            var instances = tasks.Sum(t => (long)t.Instances.Count);
            var seconds = watch.Elapsed.TotalSeconds;
            if (parse.GetValue(_connection.Json))
            {
                Console.WriteLine(Json.Line(new { Pool = pool, summary.Added, summary.Updated, summary.Unchanged, summary.PoolVersion, summary.PoolTasks,
                    Instances = instances, ReadSeconds = readSeconds, TotalSeconds = seconds, InstancesPerSecond = instances / seconds }));
            }
            else
            {
                Console.WriteLine($"pool '{pool}': {summary.Added} added, {summary.Updated} updated, {summary.Unchanged} unchanged → {summary.PoolTasks} tasks, " +
                                  $"version {summary.PoolVersion} ({tasks.Count} tasks, {instances} instances in {seconds:F2} s, {instances / seconds:F0} instances/s)");
            }
            return ExitCodes.Success;
        });
        line.Clear();
        return code;
    }

    private static TaskFileFormat ParseFormat(System.CommandLine.Parsing.ArgumentResult result)
    {
        var value = result.Tokens.Single().Value;
        var parsed = value switch
        {
            "auto" => TaskFileFormat.Auto,
            "niv2" => TaskFileFormat.Niv2,
            "niv2-metadata" => TaskFileFormat.Niv2Metadata,
            "alpaca" => TaskFileFormat.Alpaca,
            "self-instruct" => TaskFileFormat.SelfInstruct,
            "crossfit" => TaskFileFormat.CrossFit,
            _ => (TaskFileFormat?)null,
        };
        if (parsed is null)
        {
            result.AddError($"--format '{value}': use auto, niv2, niv2-metadata, alpaca, self-instruct or crossfit");
        }
        return parsed ?? TaskFileFormat.Auto;
    }
}
