namespace ActiveIT.Core.Formats;

/// <summary>
/// Bad input in an instruction-data file. The message names the file, the line (JSONL, TSV, YAML, malformed JSON)
/// or the JSON path, and the field, so the user can find and fix it.
/// </summary>
public sealed class TaskFormatException(string file, string location, string message, Exception? inner = null)
    : Exception($"{file}:{location}: {message}", inner)
{
    public string File { get; } = file;

    /// <summary>"line 12", "line 3, column 7", or a JSON path like "$.Instances[4].output[0]".</summary>
    public string Location { get; } = location;
}
