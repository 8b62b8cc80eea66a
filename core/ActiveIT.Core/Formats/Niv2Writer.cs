using System.Text.Encodings.Web;
using System.Text.Json;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>Writes a task as an NIV2 task file (keys in NIV2's order; descriptive lists restored from metadata).</summary>
public static class Niv2Writer
{
    public static void Write(InstructionTask task, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        List(w, "Contributors", Split(task.Metadata, "Contributors"));
        List(w, "Source", Split(task.Metadata, "Source"));
        List(w, "URL", Split(task.Metadata, "URL"));
        List(w, "Categories", task.Categories);
        List(w, "Reasoning", Split(task.Metadata, "Reasoning"));
        List(w, "Definition", [task.Definition]);
        List(w, "Input_language", Split(task.Metadata, "Input_language"));
        List(w, "Output_language", Split(task.Metadata, "Output_language"));
        List(w, "Instruction_language", Split(task.Metadata, "Instruction_language"));
        List(w, "Domains", task.Domains);
        Examples(w, "Positive Examples", task.PositiveExamples);
        Examples(w, "Negative Examples", task.NegativeExamples);
        w.WriteStartArray("Instances");
        foreach (var i in task.Instances)
        {
            w.WriteStartObject();
            w.WriteString("id", i.Id);
            w.WriteString("input", i.Input);
            List(w, "output", i.Outputs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        List(w, "Instance License", task.License is null ? [] : task.License.Split("; "));
        if (task.Metadata.TryGetValue("Instance_Count_Original", out var original) && long.TryParse(original, out var count))
        {
            w.WriteNumber("Instance_Count_Original", count);
        }
        if (task.Metadata.TryGetValue(Curriculum.TaskKind.LabelFlagKey, out var labelFlag))
        {
            w.WriteString(Curriculum.TaskKind.LabelFlagKey, labelFlag);
        }
        w.WriteEndObject();
    }

    private static IReadOnlyList<string> Split(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var v) ? v.Split("; ") : [];

    private static void List(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static void Examples(Utf8JsonWriter w, string name, IReadOnlyList<TaskExample> examples)
    {
        w.WriteStartArray(name);
        foreach (var e in examples)
        {
            w.WriteStartObject();
            w.WriteString("input", e.Input);
            w.WriteString("output", e.Output);
            if (e.Explanation is not null)
            {
                w.WriteString("explanation", e.Explanation);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
