namespace ActiveIT.Core.Formats;

/// <summary>
/// A split list in NIV2's and Active-IT's layout (<c>train_tasks.txt</c>, <c>dev_tasks.txt</c>, <c>test_tasks.txt</c>,
/// <c>remain_tasks.txt</c>): one task name per line, without ".json". Blank lines are skipped and names trimmed, as the
/// original's readers strip each line; a repeated name is an error naming both lines, since a split lists a task once.
/// </summary>
public static class Niv2SplitFile
{
    public static IReadOnlyList<Niv2SplitEntry> Read(TextReader reader, string file)
    {
        var entries = new List<Niv2SplitEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var name = line.Trim();
            if (name.Length == 0)
            {
                continue;
            }
            if (name.Any(c => c is '/' or '\\') || name.EndsWith(".json", StringComparison.Ordinal))
            {
                throw new TaskFormatException(file, $"line {number}", $"'{name}' is not a task name (one per line, without folder or \".json\")");
            }
            if (seen.TryGetValue(name, out var first))
            {
                throw new TaskFormatException(file, $"line {number}", $"task '{name}' is listed again (first on line {first})");
            }
            seen[name] = number;
            entries.Add(new Niv2SplitEntry(name, number));
        }
        return entries;
    }
}
