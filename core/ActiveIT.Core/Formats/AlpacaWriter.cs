using System.Text.Encodings.Web;
using System.Text.Json;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>
/// Writes tasks as Alpaca JSON Lines: one record per instance with `instruction` (the definition), `input`, `output`
/// (the first reference), plus `task_id`, `id` and `outputs` so that <see cref="AlpacaReader"/> restores them.
/// Examples and descriptive fields have no place in Alpaca and are not written.
/// </summary>
public static class AlpacaWriter
{
    public static void Write(IEnumerable<InstructionTask> tasks, Stream stream)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var task in tasks)
        {
            foreach (var instance in task.Instances)
            {
                using (var w = new Utf8JsonWriter(stream, options))
                {
                    w.WriteStartObject();
                    w.WriteString("instruction", task.Definition);
                    w.WriteString("input", instance.Input);
                    w.WriteString("output", instance.Outputs.Count > 0 ? instance.Outputs[0] : "");
                    w.WriteString("task_id", task.Id);
                    w.WriteString("id", instance.Id);
                    if (instance.Outputs.Count != 1)
                    {
                        w.WriteStartArray("outputs");
                        foreach (var o in instance.Outputs)
                        {
                            w.WriteStringValue(o);
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        }
    }
}
