using ActiveIT.Core.Formats;

namespace ActiveIT.Grains.Import;

/// <summary>
/// The files behind Active-IT's published layout: a split list resolved against NIV2's task folder, and
/// <c>task_metadata.json</c>. Errors are <see cref="TaskFormatException"/>s naming the split file and line, or the
/// metadata file and JSON path.
/// </summary>
public static class Niv2SplitFiles
{
    public static IReadOnlyList<Niv2SplitEntry> ReadSplit(string splitFile)
    {
        if (!File.Exists(splitFile))
        {
            throw new FileNotFoundException($"{splitFile}: no such split file", splitFile);
        }
        using var reader = File.OpenText(splitFile);
        return Niv2SplitFile.Read(reader, splitFile);
    }

    /// <summary>The task file of every name in <paramref name="splitFile"/>, in its order: <c>{tasksDir}/{name}.json</c>.</summary>
    public static IReadOnlyList<string> TaskFiles(string splitFile, string tasksDir)
    {
        if (!Directory.Exists(tasksDir))
        {
            throw new FileNotFoundException($"{tasksDir}: no such task folder", tasksDir);
        }
        var files = new List<string>();
        foreach (var entry in ReadSplit(splitFile))
        {
            var file = Path.Combine(tasksDir, entry.TaskId + ".json");
            if (!File.Exists(file))
            {
                throw new TaskFormatException(splitFile, $"line {entry.Line}", $"task '{entry.TaskId}' has no file {file}");
            }
            files.Add(file);
        }
        return files.Count > 0 ? files : throw new TaskFormatException(splitFile, "end of file", "the split names no task");
    }

    public static IReadOnlyDictionary<string, Niv2TaskMetadataEntry> ReadMetadata(string file, ImportLimits limits)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{file}: no such metadata file", file);
        }
        using var stream = File.OpenRead(file);
        return Niv2TaskMetadata.Read(stream, file, limits);
    }
}
