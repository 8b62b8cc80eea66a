using System.Text.Json;
using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// Active-IT's <c>task_metadata.json</c>: one object keyed by NIV2 task file name ("task001_….json") whose values
/// hold <c>DefHasLabel</c>, <c>Categories</c> and, for English tasks, <c>Split</c> and <c>CLS_GEN</c>. Read whole
/// and checked before anything is merged, so a bad entry names the file and its JSON path and changes nothing.
/// </summary>
public static class Niv2TaskMetadata
{
    public const string SplitKey = "Split";
    public const string ClsGenKey = "CLS_GEN";

    /// <summary>Entries by task id (the key without ".json", as task files are named).</summary>
    public static IReadOnlyDictionary<string, Niv2TaskMetadataEntry> Read(Stream stream, string file, ImportLimits? limits = null)
    {
        var f = new JsonFields(file, limits ?? ImportLimits.Default);
        using var document = f.Parse(stream);
        var root = f.Object(document.RootElement, "$");
        var entries = new Dictionary<string, Niv2TaskMetadataEntry>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var path = JsonFields.Child("$", property.Name);
            var id = Niv2Reader.TaskId(property.Name);
            if (id.Length == 0)
            {
                throw f.Error(path, "a key must be a task file name such as \"task001_quoref_question_generation.json\"");
            }
            var value = f.Object(property.Value, path);
            var entry = new Niv2TaskMetadataEntry(
                f.OptionalString(value, path, TaskKind.LabelFlagKey),
                f.OptionalStrictStringList(value, path, "Categories"),
                f.OptionalString(value, path, SplitKey),
                f.OptionalString(value, path, ClsGenKey));
            // Two keys for one task (a repeated key, or "x" beside "x.json") would make the merge depend on their order.
            if (!entries.TryAdd(id, entry))
            {
                throw f.Error(path, $"a second entry for task '{id}'");
            }
        }
        return entries;
    }

    /// <summary>
    /// NIV2 tasks with their entry merged: <c>DefHasLabel</c>, <c>Split</c> and <c>CLS_GEN</c> into the metadata (the
    /// file's flag wins over one in the task file: it is the published rule the user asked for), categories only where
    /// the task has none. Tasks of other sources, and entries for tasks not given, are left alone.
    /// </summary>
    public static (IReadOnlyList<InstructionTask> Tasks, int Merged) Apply(IReadOnlyList<InstructionTask> tasks, IReadOnlyDictionary<string, Niv2TaskMetadataEntry> entries)
    {
        var merged = 0;
        var result = new List<InstructionTask>(tasks.Count);
        foreach (var task in tasks)
        {
            if (task.Format != TaskFormat.Niv2 || !entries.TryGetValue(task.Id, out var entry))
            {
                result.Add(task);
                continue;
            }
            var metadata = new Dictionary<string, string>(task.Metadata, StringComparer.Ordinal);
            foreach (var (key, value) in new[] { (TaskKind.LabelFlagKey, entry.DefHasLabel), (SplitKey, entry.Split), (ClsGenKey, entry.ClsGen) })
            {
                if (value is not null)
                {
                    metadata[key] = value;
                }
            }
            result.Add(task with { Metadata = metadata, Categories = task.Categories.Count > 0 ? task.Categories : entry.Categories });
            merged++;
        }
        return (result, merged);
    }
}
