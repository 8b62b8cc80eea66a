using System.Globalization;
using System.Text;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// Tasks as the text a transfer model reads and writes: the source task as its collection phrases it, and the two
/// target formats. Seed pairs, prompts, the local model's training data and the parser all use these renderings.
/// </summary>
public static class TaskText
{
    /// <summary>A task in its own format: its instruction (a template, keywords or a definition) and a few instances.</summary>
    public static string Source(InstructionTask task, int instances = 3)
    {
        var text = new StringBuilder();
        text.Append("Format: ").Append(task.Format.ToString()).Append('\n');
        text.Append("Instruction: ").Append(task.Definition.Trim()).Append('\n');
        if (task.Metadata.TryGetValue("answer_choices", out var choices))
        {
            text.Append("Answer choices: ").Append(choices).Append('\n');
        }
        var shown = task.PositiveExamples.Select(e => (e.Input, e.Output))
            .Concat(task.Instances.Where(i => i.Outputs.Count > 0).Select(i => (i.Input, Output: i.Outputs[0])))
            .Take(instances).ToArray();
        for (var i = 0; i < shown.Length; i++)
        {
            text.Append("Instance ").Append(i + 1).Append(" -\nInput: ").Append(shown[i].Input.Trim()).Append("\nOutput: ").Append(shown[i].Output.Trim()).Append('\n');
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>NIV2's task format: the definition, then positive examples with their explanations.</summary>
    public static string Niv2(string definition, IReadOnlyList<TaskExample> examples)
    {
        var text = new StringBuilder();
        text.Append("Definition: ").Append(definition.Trim()).Append('\n');
        for (var i = 0; i < examples.Count; i++)
        {
            text.Append("Positive Example ").Append(i + 1).Append(" -\nInput: ").Append(examples[i].Input.Trim())
                .Append("\nOutput: ").Append(examples[i].Output.Trim()).Append('\n');
            if (examples[i].Explanation is { } explanation)
            {
                text.Append("Explanation: ").Append(explanation.Trim()).Append('\n');
            }
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>FLAN-style instance templates, one per line: "{input}" marks where an instance's input goes.</summary>
    public static string Flan(IReadOnlyList<string> templates) =>
        string.Join('\n', templates.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"Template {i + 1}: {t.Trim()}")));
}
