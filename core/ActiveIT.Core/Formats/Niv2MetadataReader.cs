using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// FLAN v2's NIV2 task metadata (`flan/niv2_task_metadata_from_flan_v2.json`: task id → definition, one positive
/// example, the original example count). Tasks without instances: the definition and example of NIV2 tasks whose
/// files are not at hand, e.g. most of the default test split.
/// </summary>
public static class Niv2MetadataReader
{
    public static IReadOnlyList<InstructionTask> Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var f = new JsonFields(file, limits);
        using var document = f.Parse(stream);
        var tasks = new List<InstructionTask>();
        foreach (var entry in f.Object(document.RootElement, "$").EnumerateObject())
        {
            var path = JsonFields.Child("$", entry.Name);
            var task = f.Object(entry.Value, path);
            var definition = f.RequiredString(task, path, "definition").Trim();
            if (definition.Length == 0)
            {
                throw f.Error($"{path}.definition", "empty definition");
            }
            var examplePath = $"{path}.positive_examples";
            var example = f.Object(f.Required(task, path, "positive_examples"), examplePath);
            var metadata = new Dictionary<string, string>();
            if (f.Optional(task, path, "number_examples") is { } count)
            {
                metadata["number_examples"] = count.GetRawText();
            }
            tasks.Add(new InstructionTask(entry.Name, "niv2", TaskFormat.Niv2, definition,
                [new TaskExample(f.RequiredString(example, examplePath, "input"), f.RequiredString(example, examplePath, "output"), f.OptionalString(example, examplePath, "explanation"))],
                [], [], [], [], ["English"], null, metadata));
        }
        return tasks;
    }
}
