using System.Text;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Import;

/// <summary>
/// Reads instruction-data files and folders into tasks, all or nothing: the first bad file or record throws
/// <see cref="TaskFormatException"/> naming it, and nothing is returned.
/// </summary>
public static class TaskFileReader
{
    /// <summary>The files <see cref="Read(string, TaskFileFormat, ImportLimits?)"/> reads: the file, or every
    /// .json/.jsonl/.tsv file in a folder (not recursive), in name order.</summary>
    public static IReadOnlyList<string> Files(string path) => Directory.Exists(path)
        ? Directory.GetFiles(path).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".tsv", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray()
        : File.Exists(path) ? [path] : throw new FileNotFoundException($"{path}: no such file or folder", path);

    /// <summary>A file, or every .json/.jsonl/.tsv file in a folder (not recursive), in name order.</summary>
    public static IReadOnlyList<InstructionTask> Read(string path, TaskFileFormat format = TaskFileFormat.Auto, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var files = Files(path);
        var tasks = new List<InstructionTask>();
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            tasks.AddRange(Read(stream, file, format == TaskFileFormat.Auto ? Detect(file) : format, limits));
            if (tasks.Count > limits.MaxTasks)
            {
                throw new TaskFormatException(file, "end of file", $"more than {limits.MaxTasks} tasks (ImportLimits.MaxTasks)");
            }
        }
        return tasks;
    }

    /// <summary>One file's tasks; a file that holds none (an empty list, say) is an error, not "0 tasks imported".</summary>
    public static IReadOnlyList<InstructionTask> Read(Stream stream, string name, TaskFileFormat format, ImportLimits limits)
    {
        IReadOnlyList<InstructionTask> tasks = format switch
        {
            TaskFileFormat.Niv2 => [Niv2Reader.Read(stream, name, limits)],
            TaskFileFormat.Niv2Metadata => Niv2MetadataReader.Read(stream, name, limits),
            TaskFileFormat.Alpaca => AlpacaReader.Read(stream, name, limits),
            TaskFileFormat.SelfInstruct => SelfInstructReader.Read(stream, name, limits),
            TaskFileFormat.CrossFit => [CrossFitTsv.Read(stream, name, limits)],
            _ => throw new ArgumentException($"{name}: format {format} needs a file name to detect from"),
        };
        return tasks.Count > 0 ? tasks : throw new TaskFormatException(name, "$", $"no task in this file (read as {format})");
    }

    /// <summary>.tsv → CrossFit; .jsonl → Self-Instruct when records have "instances", else Alpaca; .json → Alpaca for a list,
    /// NIV2 metadata for an object of objects with "definition", else an NIV2 task file.</summary>
    public static TaskFileFormat Detect(string file) => Detect(file, ReadHead(file));

    /// <summary>Detects from a name and the file's first bytes (an upload).</summary>
    public static TaskFileFormat Detect(string name, ReadOnlySpan<byte> content) => Detect(name, Encoding.UTF8.GetString(content[..Math.Min(content.Length, 4096)]));

    private static TaskFileFormat Detect(string file, string head)
    {
        if (file.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
        {
            return TaskFileFormat.CrossFit;
        }
        if (file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && head.IndexOf('\n') is > 0 and var newline)
        {
            head = head[..newline];
        }
        if (file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return head.Contains("\"instances\"", StringComparison.Ordinal) ? TaskFileFormat.SelfInstruct : TaskFileFormat.Alpaca;
        }
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            // NIV2 task files have "Definition"; FLAN v2's NIV2 metadata maps task ids to objects with "definition".
            return head.TrimStart().StartsWith('[') ? TaskFileFormat.Alpaca
                : head.Contains("\"Definition\"", StringComparison.Ordinal) || !head.Contains("\"definition\"", StringComparison.Ordinal) ? TaskFileFormat.Niv2
                : TaskFileFormat.Niv2Metadata;
        }
        throw new TaskFormatException(file, "name", "cannot tell the format from the extension (.json, .jsonl, .tsv); pass it explicitly");
    }

    private static string ReadHead(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[4096];
        return Encoding.UTF8.GetString(buffer, 0, stream.Read(buffer));
    }
}
