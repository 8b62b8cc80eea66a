using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Rewriting;

/// <summary>The string-rewrite generator as a task source: one task per rule, its examples as instances.</summary>
public static class RewriteTaskSource
{
    public static IReadOnlyList<InstructionTask> Tasks(RewriteGenerator generator, int rules, int instancesPerRule, ulong seed)
    {
        var ruleList = generator.Rules(rules, SeededRandom.For(seed, "task-source/rules"));
        var random = SeededRandom.For(seed, "task-source/examples");
        return [.. ruleList.Select((rule, r) =>
        {
            var id = $"rewrite-{seed}-{r:D6}";
            var positives = Enumerable.Range(0, 2).Select(_ => generator.HasOpExample(rule, random)).Select(e => new TaskExample(e.Input, e.Output)).ToArray();
            var instances = Enumerable.Range(0, instancesPerRule).Select(i => generator.Example(rule, random))
                .Select((e, i) => new TaskInstance($"{id}-{i}", e.Input, [e.Output])).ToArray();
            return new InstructionTask(id, "string-rewrite", TaskFormat.StringRewrite, Definition(rule), positives, [], instances,
                ["String Rewriting"], ["Synthetic"], ["English"], null,
                new Dictionary<string, string> { ["pattern"] = rule.Pattern, ["replacement"] = rule.Replacement, ["seed"] = $"{seed}" });
        })];
    }

    /// <summary>
    /// The rule as a short instruction in words (no-op inputs are implied: nothing to replace). Kept short because
    /// every prompt repeats it, on models with a few hundred bytes of context.
    /// </summary>
    public static string Definition(RewriteRule rule) => $"Replace the leftmost occurrence of \"{rule.Pattern}\" with \"{rule.Replacement}\", once.";
}
