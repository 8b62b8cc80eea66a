using System.Text.RegularExpressions;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// One string-rewrite rule phrased the ways the collections phrase tasks (methods.md §2), so format transfer can be
/// studied where the right answer is known: NIV2 (a definition stating the rule, examples with explanations),
/// PromptSource (per-instance templates in several wordings), FLAN (per-instance templates with OPTIONS) and CrossFit
/// (keywords). Instance inputs and outputs are the same strings in every format; only the phrasing differs.
/// </summary>
public static partial class RewriteFormats
{
    public static readonly TaskFormat[] Sources = [TaskFormat.Niv2, TaskFormat.PromptSource, TaskFormat.Flan, TaskFormat.CrossFit];

    private static readonly string[] PromptSourceWordings =
    [
        "{x}\nReplace the first \"{p}\" in the text above with \"{r}\".",
        "In \"{x}\", change the leftmost \"{p}\" into \"{r}\". Result:",
        "Text: {x}\nWhat is the text after substituting \"{r}\" for the first \"{p}\"?",
    ];

    private static readonly string[] FlanWordings =
    [
        "Rewrite \"{x}\" by replacing the first \"{p}\" with \"{r}\".",
        "{x}\n\nSwap the leftmost \"{p}\" for \"{r}\". Which string results?",
    ];

    public static InstructionTask Render(TaskFormat format, string id, RewriteRule rule, IReadOnlyList<RewriteExample> examples,
        IReadOnlyList<RewriteExample> instances, ulong seed)
    {
        var metadata = new Dictionary<string, string> { ["pattern"] = rule.Pattern, ["replacement"] = rule.Replacement };
        TaskInstance Instance(int i, string input) => new($"{id}-{i}", input, [instances[i].Output]);
        return format switch
        {
            TaskFormat.Niv2 => new InstructionTask(id, "string-rewrite", TaskFormat.Niv2, RewriteTaskSource.Definition(rule),
                [.. examples.Select(e => new TaskExample(e.Input, e.Output, Explanation(e)))], [],
                [.. instances.Select((e, i) => Instance(i, e.Input))], ["String Rewriting"], ["Synthetic"], ["English"], null, metadata),
            TaskFormat.PromptSource => new InstructionTask(id, "string-rewrite", TaskFormat.PromptSource, Fill(PromptSourceWordings[0], "{{text}}", rule), [], [],
                [.. instances.Select((e, i) => Instance(i, Fill(PromptSourceWordings[i % PromptSourceWordings.Length], e.Input, rule)))],
                ["String Rewriting"], ["Synthetic"], ["English"], null, metadata),
            TaskFormat.Flan => new InstructionTask(id, "string-rewrite", TaskFormat.Flan, Fill(FlanWordings[0], "{text}", rule) + "\nOPTIONS:\n- {options_}", [], [],
                [.. instances.Select((e, i) => Instance(i, Fill(FlanWordings[i % FlanWordings.Length], e.Input, rule) + Options(e, seed, i)))],
                ["String Rewriting"], ["Synthetic"], ["English"], null, metadata),
            TaskFormat.CrossFit => new InstructionTask(id, "string-rewrite", TaskFormat.CrossFit, "pattern [SEP] replacement [SEP] string", [], [],
                [.. instances.Select((e, i) => Instance(i, $"pattern: {rule.Pattern} [SEP] replacement: {rule.Replacement} [SEP] string: {e.Input}"))],
                ["String Rewriting"], ["Synthetic"], ["English"], null, metadata),
            _ => throw new ArgumentException($"no string-rewrite rendering for format {format}"),
        };
    }

    /// <summary>Transfer accuracy: the definition's first two quoted strings are exactly the rule's pattern and replacement.</summary>
    public static bool StatesRule(string definition, RewriteRule rule)
    {
        var quoted = Quoted().Matches(definition).Select(m => m.Groups[1].Value).ToArray();
        return quoted.Length >= 2 && quoted[0] == rule.Pattern && quoted[1] == rule.Replacement;
    }

    /// <summary>NIV2's explanation of a positive example, in words.</summary>
    public static string Explanation(RewriteExample example) => example.HasOp
        ? $"The leftmost \"{example.Rule.Pattern}\" in \"{example.Input}\" becomes \"{example.Rule.Replacement}\"."
        : $"\"{example.Input}\" has no \"{example.Rule.Pattern}\", so it stays as it is.";

    private static string Fill(string wording, string input, RewriteRule rule) =>
        wording.Replace("{x}", input, StringComparison.Ordinal).Replace("{p}", rule.Pattern, StringComparison.Ordinal).Replace("{r}", rule.Replacement, StringComparison.Ordinal);

    /// <summary>FLAN's options: the right output and the input left unchanged (or, for a no-op, the pattern's last occurrence rewritten), in seeded order.</summary>
    private static string Options(RewriteExample example, ulong seed, int index)
    {
        var wrong = example.HasOp ? example.Input : example.Input + example.Rule.Replacement;
        var first = SeededRandom.For(seed, $"flan-options/{index}").NextDouble() < 0.5;
        return $"\nOPTIONS:\n- {(first ? example.Output : wrong)}\n- {(first ? wrong : example.Output)}";
    }

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex Quoted();
}
