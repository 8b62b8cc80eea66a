using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// A chosen candidate applied to its source task. Only instruction text comes from the model (methods.md §2): in NIV2
/// the definition and the examples' explanations; instance inputs are kept word for word, and the positive examples
/// are the source's own (its examples, or else its first two instances, which then leave the instance list so no
/// example is also evaluated). Labels go through the explicit <see cref="LabelMap"/> and nothing else — in the outputs,
/// and as words of the instruction text, so a definition never names labels the instances no longer use.
/// </summary>
public static class TransferApply
{
    public const int ExampleCount = 2;

    public static InstructionTask ToNiv2(InstructionTask source, Niv2Candidate candidate, LabelMap labels, IReadOnlyDictionary<string, string> provenance)
    {
        var (examples, instances) = Examples(source);
        examples = [.. examples.Select(e => e with
        {
            Explanation = candidate.Examples.FirstOrDefault(c => c.Input.Trim() == e.Input.Trim())?.Explanation ?? e.Explanation,
        })];
        examples = [.. examples.Select(e => e.Explanation is null ? e : e with { Explanation = labels.ApplyToText(e.Explanation) })];
        var task = source with
        {
            Format = TaskFormat.Niv2,
            Definition = labels.ApplyToText(candidate.Definition),
            PositiveExamples = examples,
            NegativeExamples = [],
            Instances = instances,
            Metadata = Merge(source, provenance),
        };
        return labels.Apply(task);
    }

    /// <summary>The reverse study: a task-level source as FLAN instance templates; instance i uses template i mod count.</summary>
    public static InstructionTask ToFlan(InstructionTask source, FlanCandidate candidate, LabelMap labels, IReadOnlyDictionary<string, string> provenance)
    {
        candidate = candidate with { Templates = [.. candidate.Templates.Select(labels.ApplyToText)] };
        var task = source with
        {
            Format = TaskFormat.Flan,
            Definition = candidate.Templates[0],
            PositiveExamples = [],
            NegativeExamples = [],
            Instances = [.. source.Instances.Select((inst, i) => inst with { Input = Render(candidate.Templates[i % candidate.Templates.Count], inst.Input) })],
            Metadata = Merge(source, provenance),
        };
        return labels.Apply(task);
    }

    /// <summary>The positive examples a transferred NIV2 task shows, and the instances left to evaluate on.</summary>
    public static (IReadOnlyList<TaskExample> Examples, IReadOnlyList<TaskInstance> Instances) Examples(InstructionTask source)
    {
        if (source.PositiveExamples.Count > 0)
        {
            return ([.. source.PositiveExamples.Take(ExampleCount)], source.Instances);
        }
        var usable = source.Instances.Where(i => i.Outputs.Count > 0).Take(ExampleCount).ToArray();
        return ([.. usable.Select(i => new TaskExample(i.Input, i.Outputs[0]))], [.. source.Instances.Where(i => !usable.Contains(i))]);
    }

    public static string Render(string template, string input) => template.Replace("{input}", input, StringComparison.Ordinal);

    private static Dictionary<string, string> Merge(InstructionTask source, IReadOnlyDictionary<string, string> provenance)
    {
        var metadata = new Dictionary<string, string>(source.Metadata, StringComparer.Ordinal) { ["transfer_source_format"] = source.Format.ToString() };
        foreach (var (key, value) in provenance)
        {
            metadata[$"transfer_{key}"] = value;
        }
        return metadata;
    }
}
