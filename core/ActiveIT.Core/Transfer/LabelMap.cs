using System.Text.RegularExpressions;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// How a transfer treats label words (methods.md §2: collections disagree — Yes/No, yes/no, 1/0,
/// entailment/not_entailment). Empty: every output is kept exactly as written. Otherwise each output that equals a
/// key becomes its value; with <see cref="Strict"/> an output that is no key is an error naming the instance, so a
/// classification task never ends up with half its labels mapped.
/// </summary>
public sealed record LabelMap(IReadOnlyDictionary<string, string> Map, bool Strict)
{
    public static LabelMap Keep { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal), false);

    /// <summary>"1=yes,0=no" (lenient) or "strict:1=yes,0=no"; "" or "keep" keeps every label.</summary>
    public static LabelMap Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "keep")
        {
            return Keep;
        }
        var strict = text.StartsWith("strict:", StringComparison.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in (strict ? text["strict:".Length..] : text).Split(','))
        {
            var parts = entry.Split('=');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new ArgumentException($"label map entry '{entry}': write FROM=TO, e.g. 1=yes,0=no");
            }
            if (!map.TryAdd(parts[0], parts[1]))
            {
                throw new ArgumentException($"label map: '{parts[0]}' is mapped twice");
            }
        }
        return new LabelMap(map, strict);
    }

    public bool IsIdentity => Map.Count == 0;

    /// <summary>The label written in the target; throws for an unmapped label under <see cref="Strict"/>.</summary>
    public string Apply(string label, string where) =>
        Map.TryGetValue(label, out var mapped) ? mapped
        : Strict ? throw new ArgumentException($"{where}: label '{label}' is not in the label map ({ToString()})")
        : label;

    public InstructionTask Apply(InstructionTask task)
    {
        if (IsIdentity)
        {
            return task;
        }
        return task with
        {
            PositiveExamples = [.. task.PositiveExamples.Select((e, i) => e with { Output = Apply(e.Output, $"task '{task.Id}' positive example {i + 1}") })],
            NegativeExamples = [.. task.NegativeExamples.Select((e, i) => e with { Output = Apply(e.Output, $"task '{task.Id}' negative example {i + 1}") })],
            Instances = [.. task.Instances.Select(inst => inst with { Outputs = [.. inst.Outputs.Select(o => Apply(o, $"task '{task.Id}' instance '{inst.Id}'"))] })],
        };
    }

    /// <summary>
    /// Instruction text (a generated definition, an explanation, a template) with every label word mapped, all at once (so
    /// 'yes=no,no=yes' swaps). A label counts only as a word of its own: after the start, a space, a quote or an opening
    /// bracket, and before the end, a space, a quote, a closing bracket or punctuation — "1-5" and "10" keep their digits.
    /// </summary>
    public string ApplyToText(string text)
    {
        if (IsIdentity || text.Length == 0)
        {
            return text;
        }
        // Built per call, not cached: a cached field would take part in the record's equality.
        var words = new Regex(
            $"(?<=^|[\\s\"'“‘(\\[])({string.Join('|', Map.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape))})(?=$|[\\s\"'”’)\\].,;:!?])",
            RegexOptions.CultureInvariant);
        return words.Replace(text, m => Map[m.Value]);
    }

    public override string ToString() => IsIdentity ? "keep" : (Strict ? "strict:" : "") + string.Join(',', Map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
