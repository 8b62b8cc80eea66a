using System.Text;

namespace ActiveIT.Core.Tasks;

/// <summary>
/// The NIV2 / Tk-Instruct prompt (methods.md §1): definition, up to two positive examples, the instance input, then
/// "Output: ". Texts are stripped; "[.]" adds a period unless the text already ends in ASCII punctuation. Fitting a
/// prompt to a context is <see cref="Niv2PromptBuilder"/>'s.
/// </summary>
public static class Niv2Prompt
{
    public static string Render(InstructionTask task, string instanceInput, int maxPositiveExamples = 2) =>
        Render(task.Definition, task.PositiveExamples.Take(maxPositiveExamples).ToArray(), instanceInput);

    public static string Render(string definition, IReadOnlyList<TaskExample> examples, string instanceInput)
    {
        var prompt = new StringBuilder();
        prompt.Append("Definition: ").Append(WithPeriod(definition)).Append("\n\n");
        for (var i = 0; i < examples.Count; i++)
        {
            prompt.Append(" Positive Example ").Append(i + 1).Append(" -\n")
                .Append("Input: ").Append(WithPeriod(examples[i].Input)).Append('\n')
                .Append(" Output: ").Append(WithPeriod(examples[i].Output)).Append("\n\n");
        }
        prompt.Append("Now complete the following example -\n")
            .Append("Input: ").Append(WithPeriod(instanceInput)).Append('\n')
            .Append("Output: ");
        return prompt.ToString();
    }

    /// <summary>Stripped text with a period appended unless it ends in ASCII punctuation (Python's string.punctuation).</summary>
    public static string WithPeriod(string text)
    {
        var t = text.Trim();
        return t.Length > 0 && AsciiPunctuation.Contains(t[^1]) ? t : t + ".";
    }

    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
}
