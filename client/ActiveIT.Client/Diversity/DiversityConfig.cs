using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;

namespace ActiveIT.Client.Diversity;

/// <summary>Everything that determines an instruction-diversity run; written whole into run.json.</summary>
internal sealed record DiversityConfig(
    string Scale,
    RewriteGeneratorOptions Generator,
    IReadOnlyList<int> InstructionCounts,
    int ExampleBudget,
    int TestRules,
    int TestExamples,
    IReadOnlyList<ulong> Seeds,
    InstructionFrequency Frequency,
    IReadOnlyList<double> Alphas,
    UnseenSplit Unseen,
    ModelConfig Model,
    TrainingConfig Training,
    int BatchSize,
    int Epochs,
    string Device)
{
    /// <summary>Seen-rule accuracy the largest instruction count must reach before its unseen-rule curve is read (methods.md §3).</summary>
    public const double ConvergedSeenAccuracy = 0.95;

    /// <summary>Longest prompt + target a run can produce: sizes the model's context.</summary>
    public static int SequenceLength(RewriteGeneratorOptions g) =>
        1 + (g.MaxPatternLength + 1 + g.MaxReplacementLength + 1 + g.InputLength + 1) + MaxOutputTokens(g);

    /// <summary>Output tokens including EOS: the input can grow by at most |y| − |x|.</summary>
    public static int MaxOutputTokens(RewriteGeneratorOptions g) =>
        g.InputLength + Math.Max(0, g.MaxReplacementLength - g.MinPatternLength) + 1;

    public void Validate()
    {
        Generator.Validate();
        Require(InstructionCounts.Count > 0 && InstructionCounts.All(c => c > 0), "instructions", "needs at least one positive count");
        Require(InstructionCounts.All(c => c <= ExampleBudget), "budget", $"({ExampleBudget}) must be at least the largest instruction count ({InstructionCounts.Max()})");
        Require(TestRules > 0 && TestExamples > 0, "test-rules/test-examples", "must be positive");
        Require(Seeds.Count > 0, "seeds", "needs at least one seed");
        // Each (α, count, seed) is one model; a value given twice would train the same point twice and pair it with itself.
        Require(Seeds.Distinct().Count() == Seeds.Count, "seeds", "lists a seed twice");
        Require(InstructionCounts.Distinct().Count() == InstructionCounts.Count, "instructions", "lists a count twice");
        Require(Alphas.Distinct().Count() == Alphas.Count, "alpha", "lists a value twice");
        Require(BatchSize > 0 && Epochs > 0, "batch-size/epochs", "must be positive");
        Require(Alphas.Count > 0 && Alphas.All(a => a > 0), "alpha", "needs positive values");
        Require(Frequency != InstructionFrequency.Uniform || Alphas.Count == 1, "alpha", "takes several values only with --frequency power-law-index or power-law-weight");
        Require(Generator.Shape == PatternShape.Random || Generator.MaxPatternLength >= 6, "max-pattern",
            $"({Generator.MaxPatternLength}) must be at least 6 for {Generator.Shape} patterns: training uses block lengths k ≥ 3, two blocks each");
    }

    private static void Require(bool ok, string option, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"--{option} {what}");
        }
    }
}
