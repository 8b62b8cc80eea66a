using System.Text.Json;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// Self-Instruct JSON Lines (`seed_tasks.jsonl`, `user_oriented_instructions.jsonl`): one task per line with `id`,
/// `instruction` and `instances` ({input, output}); other scalar fields (`name`, `is_classification`,
/// `motivation_app`) go to metadata.
/// </summary>
public static class SelfInstructReader
{
    public static IReadOnlyList<InstructionTask> Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var f = new JsonFields(file, limits);
        var tasks = new List<InstructionTask>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (record, location) in JsonRecords.Read(stream, file, limits, f))
        {
            var id = f.RequiredString(record, location, "id");
            if (!ids.Add(id))
            {
                throw f.Error($"{location}.id", $"duplicate task id '{id}'");
            }
            var instruction = f.RequiredString(record, location, "instruction").Trim();
            if (instruction.Length == 0)
            {
                throw f.Error($"{location}.instruction", "empty instruction");
            }
            var instances = f.Array(f.Required(record, location, "instances"), $"{location}.instances").Select((item, i) =>
            {
                var path = $"{location}.instances[{i}]";
                f.Object(item, path);
                return new TaskInstance($"{id}-{i}", f.OptionalString(item, path, "input") ?? "", [f.RequiredString(item, path, "output")]);
            }).ToArray();
            if (instances.Length > limits.MaxInstancesPerTask)
            {
                throw f.Error($"{location}.instances", $"more than {limits.MaxInstancesPerTask} instances (ImportLimits.MaxInstancesPerTask)");
            }
            var metadata = record.EnumerateObject()
                .Where(p => p.Name is not ("id" or "instruction" or "instances") && p.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? f.String(p.Value, JsonFields.Child(location, p.Name)) : p.Value.GetRawText());
            tasks.Add(new InstructionTask(id, "self-instruct", TaskFormat.SelfInstruct, instruction, [], [], instances, [], [], ["English"], null, metadata));
        }
        return tasks;
    }
}
