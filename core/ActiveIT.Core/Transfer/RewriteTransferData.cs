using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// String-rewrite tasks for format transfer: rules with instances rendered in each format, and seed pairs built from
/// them. ActiveIT ships its default seed pairs this way (<see cref="DefaultSeedPairs"/>); a user brings real ones as JSONL.
/// </summary>
public static class RewriteTransferData
{
    public static IReadOnlyList<RewriteTaskSet> Tasks(RewriteGenerator generator, IReadOnlyList<RewriteRule> rules, int instances, ulong seed, string idPrefix)
    {
        var random = SeededRandom.For(seed, $"transfer-data/{idPrefix}");
        return [.. rules.Select((rule, r) =>
        {
            var examples = new[] { generator.HasOpExample(rule, random), generator.HasOpExample(rule, random) };
            var drawn = Enumerable.Range(0, instances).Select(_ => generator.Example(rule, random)).ToArray();
            var id = $"{idPrefix}-{r:D4}";
            return new RewriteTaskSet(rule, RewriteFormats.Sources.ToDictionary(f => f, f => RewriteFormats.Render(f, id, rule, examples, drawn, seed)));
        })];
    }

    /// <summary>
    /// A seed pair: the task in its source format, and the same task in the target format. With
    /// <paramref name="definitionOnly"/> the NIV2 side is the definition alone (what the small local transfer model
    /// writes; the transferred task takes its examples from the source anyway).
    /// </summary>
    public static SeedPair Pair(RewriteTaskSet set, TaskFormat source, TransferTarget target, bool definitionOnly = false)
    {
        var niv2 = set.Formats[TaskFormat.Niv2];
        return target == TransferTarget.Niv2
            ? new SeedPair(TaskText.Source(set.Formats[source]), TaskText.Niv2(niv2.Definition, definitionOnly ? [] : niv2.PositiveExamples))
            : new SeedPair(TaskText.Source(niv2), TaskText.Flan(FlanTemplates(set.Rule)));
    }

    /// <summary>The FLAN-side truth of the reverse study: the rule's FLAN wordings with "{input}" placeholders.</summary>
    public static IReadOnlyList<string> FlanTemplates(RewriteRule rule) =>
    [
        $"Rewrite \"{{input}}\" by replacing the first \"{rule.Pattern}\" with \"{rule.Replacement}\".",
        $"{{input}}\n\nSwap the leftmost \"{rule.Pattern}\" for \"{rule.Replacement}\". Which string results?",
    ];

    /// <summary>
    /// The seed pairs used when none are given: one string-rewrite task per instance-level and keyword-level format
    /// (PromptSource, FLAN, CrossFit) into NIV2, or NIV2 tasks into FLAN templates — fixed rules, fixed seed.
    /// </summary>
    public static IReadOnlyList<SeedPair> DefaultSeedPairs(TransferTarget target)
    {
        var generator = new RewriteGenerator(new RewriteGeneratorOptions());
        var rules = generator.Rules(3, SeededRandom.For(20231115, "default-seed-pairs"));
        var sets = Tasks(generator, rules, 3, 20231115, "seed");
        TaskFormat[] sources = [TaskFormat.PromptSource, TaskFormat.Flan, TaskFormat.CrossFit];
        return [.. sets.Select((set, i) => Pair(set, sources[i], target))];
    }
}
