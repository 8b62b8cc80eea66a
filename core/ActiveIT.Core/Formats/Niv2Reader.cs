using System.Text.Json;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// Reads one NIV2 (Super-NaturalInstructions) task file: Definition, Positive/Negative Examples, Instances, and the
/// descriptive lists. The task id is the file name without ".json", as in NIV2's split lists.
/// </summary>
public static class Niv2Reader
{
    public static InstructionTask Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var f = new JsonFields(file, limits);
        using var document = f.Parse(stream);
        var root = f.Object(document.RootElement, "$");

        var definitionParts = f.StrictStringList(f.Required(root, "$", "Definition"), "$.Definition");
        var definition = string.Join("\n", definitionParts).Trim();
        if (definition.Length == 0)
        {
            throw f.Error("$.Definition", "empty definition");
        }

        var instances = new List<TaskInstance>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in f.Array(f.Required(root, "$", "Instances"), "$.Instances"))
        {
            var path = $"$.Instances[{index++}]";
            if (instances.Count >= limits.MaxInstancesPerTask)
            {
                throw f.Error(path, $"more than {limits.MaxInstancesPerTask} instances (ImportLimits.MaxInstancesPerTask)");
            }
            f.Object(item, path);
            var id = f.RequiredString(item, path, "id");
            if (id.Length == 0)
            {
                throw f.Error($"{path}.id", "an instance id must not be empty");
            }
            if (!ids.Add(id))
            {
                throw f.Error($"{path}.id", $"duplicate instance id '{id}'");
            }
            var outputs = f.StrictStringList(f.Required(item, path, "output"), $"{path}.output");
            if (outputs.Count == 0)
            {
                throw f.Error($"{path}.output", "an instance needs at least one reference output");
            }
            instances.Add(new TaskInstance(id, f.RequiredString(item, path, "input"), outputs));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "Contributors", "Source", "URL", "Reasoning", "Input_language", "Output_language", "Instruction_language" })
        {
            var values = f.OptionalStrictStringList(root, "$", key);
            if (values.Count > 0)
            {
                metadata[key] = string.Join("; ", values);
            }
        }
        if (f.Optional(root, "$", "Instance_Count_Original") is { } original)
        {
            metadata["Instance_Count_Original"] = original.ValueKind == JsonValueKind.Number
                ? original.GetRawText()
                : throw f.Error("$.Instance_Count_Original", "expected a number");
        }
        if (f.Optional(root, "$", Curriculum.TaskKind.LabelFlagKey) is { } labelFlag)
        {
            // Active-IT's flag for "the definition names its label set exactly" (class-balanced selection).
            metadata[Curriculum.TaskKind.LabelFlagKey] = labelFlag.ValueKind == JsonValueKind.String
                ? labelFlag.GetString()!
                : throw f.Error($"$.{Curriculum.TaskKind.LabelFlagKey}", "expected a string such as \"ExactMentioned\"");
        }
        var languages = new[] { "Input_language", "Output_language", "Instruction_language" }
            .SelectMany(k => f.OptionalStrictStringList(root, "$", k)).Distinct(StringComparer.Ordinal).ToArray();
        var license = f.OptionalStrictStringList(root, "$", "Instance License");

        return new InstructionTask(
            Id: TaskId(file),
            Source: "niv2",
            Format: TaskFormat.Niv2,
            Definition: definition,
            PositiveExamples: Examples(f, root, "Positive Examples"),
            NegativeExamples: Examples(f, root, "Negative Examples"),
            Instances: instances,
            Categories: f.OptionalStrictStringList(root, "$", "Categories"),
            Domains: f.OptionalStrictStringList(root, "$", "Domains"),
            Languages: languages,
            License: license.Count == 0 ? null : string.Join("; ", license),
            Metadata: metadata);
    }

    /// <summary>"path/task033_winogrande_answer_generation.json" → "task033_winogrande_answer_generation".</summary>
    public static string TaskId(string file) => Path.GetFileNameWithoutExtension(file);

    private static TaskExample[] Examples(JsonFields f, JsonElement root, string key)
    {
        if (f.Optional(root, "$", key) is not { } list)
        {
            return [];
        }
        var basePath = JsonFields.Child("$", key);
        return [.. f.Array(list, basePath).Select((e, i) =>
        {
            var path = $"{basePath}[{i}]";
            f.Object(e, path);
            return new TaskExample(f.RequiredString(e, path, "input"), f.RequiredString(e, path, "output"), f.OptionalString(e, path, "explanation"));
        })];
    }
}
