using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// Alpaca-style data (`instruction`, `input`, `output`), as a JSON array or JSON Lines. Consecutive records with the
/// same instruction (or the same `task_id`) form one task; optional `task_id`, `id` and `outputs` (all references),
/// as <see cref="AlpacaWriter"/> writes them, keep ids and multiple references across a round trip.
/// </summary>
public static class AlpacaReader
{
    public static IReadOnlyList<InstructionTask> Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var f = new JsonFields(file, limits);
        var stem = Path.GetFileNameWithoutExtension(file);
        var tasks = new List<InstructionTask>();
        string? currentKey = null, currentId = null, instruction = null;
        var instances = new List<TaskInstance>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var taskIds = new HashSet<string>(StringComparer.Ordinal);

        void Flush(string location)
        {
            if (currentId is null)
            {
                return;
            }
            if (!taskIds.Add(currentId))
            {
                throw new TaskFormatException(file, location, $"task '{currentId}' appears again after other tasks; keep a task's records together");
            }
            tasks.Add(new InstructionTask(currentId, "alpaca", TaskFormat.Alpaca, instruction!, [], [], [.. instances], [], [], [], null,
                new Dictionary<string, string>()));
            instances.Clear();
            ids.Clear();
        }

        foreach (var (record, location) in JsonRecords.Read(stream, file, limits, f))
        {
            var text = f.RequiredString(record, location, "instruction").Trim();
            if (text.Length == 0)
            {
                throw f.Error($"{location}.instruction", "empty instruction");
            }
            var taskId = f.OptionalString(record, location, "task_id");
            var key = taskId ?? text;
            if (key != currentKey)
            {
                Flush(location);
                currentKey = key;
                currentId = taskId ?? $"{stem}-{tasks.Count:D5}";
                instruction = text;
            }
            else if (text != instruction)
            {
                throw f.Error($"{location}.instruction", $"differs from the instruction of task '{currentId}' in earlier records");
            }
            var outputs = f.Optional(record, location, "outputs") is { } list
                ? f.StringList(list, $"{location}.outputs")
                : [f.RequiredString(record, location, "output")];
            var id = f.OptionalString(record, location, "id") ?? $"{currentId}-{instances.Count}";
            if (!ids.Add(id))
            {
                throw f.Error($"{location}.id", $"duplicate instance id '{id}' in task '{currentId}'");
            }
            instances.Add(new TaskInstance(id, f.OptionalString(record, location, "input") ?? "", outputs));
        }
        Flush("end of file");
        return tasks;
    }
}
