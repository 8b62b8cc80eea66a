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
    private readonly Argument<string[]> _paths = new("paths") { Description = "Files or folders (NIV2 .json, FLAN v2's NIV2 metadata .json, Alpaca .json/.jsonl, Self-Instruct .jsonl, CrossFit .tsv)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<TaskFileFormat> _format = new("--format") { Description = "auto, niv2, niv2-metadata, alpaca, self-instruct or crossfit", DefaultValueFactory = _ => TaskFileFormat.Auto, CustomParser = ParseFormat };
    private readonly Option<long> _maxBytes = new("--max-bytes") { Description = "Largest file read", DefaultValueFactory = _ => ImportLimits.Default.MaxBytes };
    private readonly Option<string?> _tasksDir = new("--tasks-dir") { Description = "NIV2's task folder, where --split-file's names are looked up as NAME.json" };
    private readonly Option<string?> _splitFile = new("--split-file") { Description = "Import the tasks a split list names (train_tasks.txt, dev_tasks.txt, …: one task name a line) from --tasks-dir" };
    private readonly Option<string?> _metadata = new("--metadata")
    {
        Description = "Active-IT's task_metadata.json: merges each imported NIV2 task's DefHasLabel (the classification rule), Split and CLS_GEN, and its Categories where it has none",
    };
    private readonly PoolConnection _connection = new();

    public PoolImportCommand() : base("import", "Add or update tasks from files; a bad file imports nothing and names the file, line or JSON path, and field")
    {
        Arguments.Add(_paths);
        Options.Add(_format);
        Options.Add(_maxBytes);
        Options.Add(_tasksDir);
        Options.Add(_splitFile);
        Options.Add(_metadata);
        _connection.AddTo(this);
        _connection.AddWriteTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var limits = ImportLimits.Default with { MaxBytes = parse.GetValue(_maxBytes) };
        IReadOnlyList<Core.Tasks.InstructionTask> tasks = [];
        var paths = parse.GetValue(_paths) ?? [];
        var merged = 0;
        try
        {
            if (parse.GetValue(_splitFile) is { } splitFile)
            {
                var tasksDir = parse.GetValue(_tasksDir) ?? throw new ArgumentException("--split-file needs --tasks-dir: the folder holding its tasks' NAME.json files");
                paths = [.. paths, .. Niv2SplitFiles.TaskFiles(splitFile, tasksDir)];
            }
            else if (parse.GetValue(_tasksDir) is not null)
            {
                throw new ArgumentException("--tasks-dir is for --split-file; to import a whole folder, name it as a path");
            }
            if (paths.Length == 0)
            {
                throw new ArgumentException("nothing to import: name files or folders, or --split-file with --tasks-dir");
            }
            var read = new List<Core.Tasks.InstructionTask>();
            foreach (var path in paths)
            {
                read.AddRange(TaskFileReader.Read(path, parse.GetValue(_format), limits));
            }
            tasks = read;
            if (parse.GetValue(_metadata) is { } metadataFile)
            {
                (tasks, merged) = Niv2TaskMetadata.Apply(tasks, Niv2SplitFiles.ReadMetadata(metadataFile, limits));
            }
        }
        catch (Exception e) when (e is TaskFormatException or FileNotFoundException or ArgumentException)
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
            var summary = await service.ImportAsync(pool, tasks, Describe(parse),
                new Progress<int>(n => line.Update($"stored {n}/{tasks.Count} tasks")), cancellationToken, _connection.Write(parse));
            line.Clear();
            var instances = tasks.Sum(t => (long)t.Instances.Count);
            var seconds = watch.Elapsed.TotalSeconds;
            if (parse.GetValue(_connection.Json))
            {
                Console.WriteLine(Json.Line(new { Pool = pool, summary.Added, summary.Updated, summary.Unchanged, summary.PoolVersion, summary.PoolTasks,
                    Instances = instances, MetadataTasks = parse.GetValue(_metadata) is null ? (int?)null : merged, ReadSeconds = readSeconds, TotalSeconds = seconds, InstancesPerSecond = instances / seconds }));
            }
            else
            {
                Console.WriteLine($"pool '{pool}': {summary.Added} added, {summary.Updated} updated, {summary.Unchanged} unchanged → {summary.PoolTasks} tasks, " +
                                  $"version {summary.PoolVersion} ({tasks.Count} tasks, {instances} instances in {seconds:F2} s, {instances / seconds:F0} instances/s)");
                if (parse.GetValue(_metadata) is { } file)
                {
                    Console.WriteLine($"metadata: {merged} of {tasks.Count} tasks given DefHasLabel/Categories from {file}");
                }
            }
            return ExitCodes.Success;
        });
        line.Clear();
        return code;
    }

    /// <summary>The pool history's note: what was imported, split file and metadata included.</summary>
    private string Describe(ParseResult parse)
    {
        var parts = new List<string> { "import" };
        parts.AddRange(parse.GetValue(_paths) ?? []);
        if (parse.GetValue(_splitFile) is { } split)
        {
            parts.Add($"--split-file {split} --tasks-dir {parse.GetValue(_tasksDir)}");
        }
        if (parse.GetValue(_metadata) is { } metadata)
        {
            parts.Add($"--metadata {metadata}");
        }
        return string.Join(' ', parts);
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
