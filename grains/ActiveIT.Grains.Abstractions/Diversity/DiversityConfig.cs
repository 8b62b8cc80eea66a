using System.Text.Json;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Grains.Diversity;

/// <summary>
/// Everything that determines an instruction-diversity run (methods.md §3): the rewrite tasks, the grid of instruction
/// counts × seeds (× power-law α), the example budget every point trains on, the test sets, and each point's model and
/// optimiser. A field left out takes the demo scale's value (<see cref="DiversityScale"/>); a <see cref="Generator"/>
/// given takes its own defaults (the paper's sizes) for the fields it leaves out. No engine types: the runner derives
/// the model's context from the generator and the schedule's length from the budget.
/// </summary>
public sealed record DiversityConfig
{
    /// <summary>Seen-rule accuracy the largest instruction count must reach before its unseen-rule curve is read (methods.md §3).</summary>
    public const double ConvergedSeenAccuracy = 0.95;

    /// <summary>A label: the preset the config started from ("demo", "small", …).</summary>
    public string Scale { get; init; } = "demo";
    public RewriteGeneratorOptions Generator { get; init; } = DiversityScale.DemoStrings;
    public IReadOnlyList<int> InstructionCounts { get; init; } = DiversityScale.PowersOfTwo;
    public int ExampleBudget { get; init; } = 32_768;
    public int TestRules { get; init; } = 200;
    public int TestExamples { get; init; } = 500;
    public IReadOnlyList<ulong> Seeds { get; init; } = [1];
    public InstructionFrequency Frequency { get; init; } = InstructionFrequency.Uniform;
    public IReadOnlyList<double> Alphas { get; init; } = [1.0];
    public UnseenSplit Unseen { get; init; } = UnseenSplit.Rules;
    public DiversityModel Model { get; init; } = new();
    public DiversityTraining Training { get; init; } = new();
    public int BatchSize { get; init; } = 64;
    public int Epochs { get; init; } = 10;

    /// <summary>Longest prompt + target a run can produce: sizes the model's context.</summary>
    public static int SequenceLength(RewriteGeneratorOptions g) =>
        1 + (g.MaxPatternLength + 1 + g.MaxReplacementLength + 1 + g.InputLength + 1) + MaxOutputTokens(g);

    /// <summary>Output tokens including EOS: the input can grow by at most |y| − |x|.</summary>
    public static int MaxOutputTokens(RewriteGeneratorOptions g) =>
        g.InputLength + Math.Max(0, g.MaxReplacementLength - g.MinPatternLength) + 1;

    /// <summary>Throws <see cref="ArgumentException"/> with the first problem (<see cref="Problems"/>).</summary>
    public void Validate(Func<string, string>? name = null)
    {
        if (Problems(name ?? (field => field)) is [var first, ..])
        {
            throw new ArgumentException(first);
        }
    }

    /// <summary>
    /// What keeps this config from running, each as "{field} {what is wrong}"; empty when it can run. Fields are JSON
    /// paths ("seeds", "generator.max_pattern_length"), spelled for the caller by <paramref name="name"/>: the API's
    /// "config.seeds", the CLI's "--seeds". The bounds keep one run from holding a silo's engine for weeks by mistake;
    /// the paper's scale is within them.
    /// </summary>
    public IReadOnlyList<string> Problems(Func<string, string> name)
    {
        var problems = new List<string>();
        void Check(bool ok, string field, string what)
        {
            if (!ok)
            {
                problems.Add($"{name(field)} {what}");
            }
        }
        try
        {
            Generator.Validate();
        }
        catch (ArgumentException e)
        {
            var field = "generator." + JsonNamingPolicy.SnakeCaseLower.ConvertName(e.ParamName ?? "");
            problems.Add($"{name(field)}: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
        }
        Check(Generator.InputLength <= 1000, "generator.input_length", $"({Generator.InputLength}) must be at most 1000");
        Check(Generator.MaxReplacementLength <= 1000, "generator.max_replacement_length", $"({Generator.MaxReplacementLength}) must be at most 1000");
        Check(Generator.Shape == PatternShape.Random || Generator.MaxPatternLength >= 6, "generator.max_pattern_length",
            $"({Generator.MaxPatternLength}) must be at least 6 for {Generator.Shape} patterns: training uses block lengths k ≥ 3, two blocks each");
        Check(Scale.Length is > 0 and <= 100, "scale", "must be a label of 1–100 characters");
        Check(InstructionCounts.Count > 0 && InstructionCounts.All(c => c > 0), "instruction_counts", "needs at least one positive count");
        Check(InstructionCounts.Distinct().Count() == InstructionCounts.Count, "instruction_counts", "lists a count twice");
        Check(ExampleBudget is > 0 and <= 100_000_000, "example_budget", $"({ExampleBudget}) must be between 1 and 100000000");
        Check(InstructionCounts.Count == 0 || InstructionCounts.All(c => c <= ExampleBudget), "example_budget",
            $"({ExampleBudget}) must be at least the largest instruction count ({(InstructionCounts.Count == 0 ? 0 : InstructionCounts.Max())})");
        Check(TestRules is > 0 and <= 1_000_000, "test_rules", $"({TestRules}) must be between 1 and 1000000");
        Check(TestExamples is > 0 and <= 10_000_000, "test_examples", $"({TestExamples}) must be between 1 and 10000000");
        Check(Seeds.Count > 0, "seeds", "needs at least one seed");
        // Each (α, count, seed) is one model; a value given twice would train the same point twice and pair it with itself.
        Check(Seeds.Distinct().Count() == Seeds.Count, "seeds", "lists a seed twice");
        Check(Alphas.Count > 0 && Alphas.All(a => a > 0 && double.IsFinite(a)), "alphas", "needs positive values");
        Check(Alphas.Distinct().Count() == Alphas.Count, "alphas", "lists a value twice");
        Check(Frequency != InstructionFrequency.Uniform || Alphas.Count <= 1, "alphas",
            $"takes several values only with {name("frequency")} power-law-index or power-law-weight");
        Check((long)Seeds.Count * Alphas.Count * InstructionCounts.Count <= 10_000, "instruction_counts", "× seeds × alphas must be at most 10000 models");
        Check(BatchSize is > 0 and <= 4096, "batch_size", $"({BatchSize}) must be between 1 and 4096");
        Check(Epochs is > 0 and <= 1000, "epochs", $"({Epochs}) must be between 1 and 1000");
        Check(Model.Layers is > 0 and <= 64, "model.layers", $"({Model.Layers}) must be between 1 and 64");
        Check(Model.Heads is > 0 and <= 256, "model.heads", $"({Model.Heads}) must be between 1 and 256");
        Check(Model.DModel is > 0 and <= 8192 && Model.Heads > 0 && Model.DModel % Model.Heads == 0 && Model.DModel / Model.Heads % 2 == 0, "model.d_model",
            $"({Model.DModel}) must be at most 8192 and a multiple of {name("model.heads")} with an even head size");
        Check(Training.LearningRate is > 0 and < 1, "training.learning_rate", $"({Training.LearningRate}) must be within (0, 1)");
        Check(Training.WarmupSteps >= 0, "training.warmup_steps", "must not be negative");
        Check(DiversityTraining.Schedules.Contains(Training.Schedule), "training.schedule", $"'{Training.Schedule}' is not one of {string.Join(", ", DiversityTraining.Schedules)}");
        Check(Training.WeightDecay is >= 0 and <= 1, "training.weight_decay", $"({Training.WeightDecay}) must be within 0–1");
        return problems;
    }
}
