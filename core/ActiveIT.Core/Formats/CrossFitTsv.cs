using System.Text;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// CrossFit's keyword-level TSV: one instance per line, `input [SEP] …` TAB output, several references joined by
/// " [SEP] ". The file is one task (id = file name without extension). CrossFit has no instruction: the task's
/// definition is its keyword signature (e.g. "premise: [SEP] hypothesis:"), to be rewritten by format transfer.
/// </summary>
public static class CrossFitTsv
{
    private const string Sep = " [SEP] ";

    public static InstructionTask Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var id = Path.GetFileNameWithoutExtension(file);
        using var reader = new StreamReader(new LimitedStream(stream, limits.MaxBytes, file), new UTF8Encoding(false, throwOnInvalidBytes: true));
        var instances = new List<TaskInstance>();
        string? signature = null;
        for (var lineNumber = 1; ; lineNumber++)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw new TaskFormatException(file, $"line {lineNumber}", "invalid UTF-8", e);
            }
            if (line is null)
            {
                break;
            }
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != 2)
            {
                throw new TaskFormatException(file, $"line {lineNumber}", $"expected 2 tab-separated fields (input, output), found {fields.Length}");
            }
            if (fields[0].Trim().Length == 0)
            {
                throw new TaskFormatException(file, $"line {lineNumber}", "empty input");
            }
            if (instances.Count >= limits.MaxInstancesPerTask)
            {
                throw new TaskFormatException(file, $"line {lineNumber}", $"more than {limits.MaxInstancesPerTask} instances (ImportLimits.MaxInstancesPerTask)");
            }
            signature ??= Signature(fields[0]);
            instances.Add(new TaskInstance($"{id}-{instances.Count}", fields[0], fields[1].Split(Sep)));
        }
        if (instances.Count == 0)
        {
            throw new TaskFormatException(file, "line 1", "no instances");
        }
        return new InstructionTask(id, "crossfit", TaskFormat.CrossFit, signature!, [], [], instances, [], [], [], null, new Dictionary<string, string>());
    }

    /// <summary>One line per instance; tabs and line breaks inside texts become spaces (TSV has no escapes).</summary>
    public static void Write(InstructionTask task, TextWriter writer)
    {
        foreach (var instance in task.Instances)
        {
            writer.Write(Clean(instance.Input));
            writer.Write('\t');
            writer.Write(string.Join(Sep, instance.Outputs.Select(Clean)));
            writer.Write('\n');
        }
    }

    /// <summary>The keywords of an input: "premise: a b [SEP] hypothesis: c" → "premise: [SEP] hypothesis:".</summary>
    public static string Signature(string input) => string.Join(Sep, input.Split("[SEP]").Select(part =>
    {
        var colon = part.IndexOf(':');
        return colon < 0 ? "" : part[..(colon + 1)].Trim();
    }).Where(k => k.Length > 0)) is { Length: > 0 } s ? s : "input:";

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
