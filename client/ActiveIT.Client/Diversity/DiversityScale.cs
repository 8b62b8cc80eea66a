using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;

namespace ActiveIT.Client.Diversity;

/// <summary>
/// Named scales of the experiment; every option can still be overridden. All use the paper's headline setting: every
/// input contains its pattern (no-op share 0, Fig. 2a). "demo" and "small" sample every factor of 2 from 16 to 1,024
/// instructions; "skew" sweeps the power-law shape α at demo size; "paper" is methods.md §3 at full size (~10^17 FLOPs
/// a point: a GPU job) on the paper's own grid, with the fixed-length reading |x| = 20.
/// </summary>
internal static class DiversityScale
{
    public static readonly string[] Names = ["demo", "small", "skew", "paper"];

    /// <summary>Every factor of 2 across the range the demo and small scales can afford.</summary>
    private static readonly int[] PowersOfTwo = [16, 32, 64, 128, 256, 512, 1024];

    /// <summary>The paper's grid (methods.md §3), dense through its 300–500 transition.</summary>
    private static readonly int[] PaperCounts = [10, 20, 50, 100, 200, 300, 400, 500, 600, 1000, 2000, 2500, 5000, 10_000, 100_000, 1_000_000];

    private static readonly RewriteGeneratorOptions DemoStrings = RewriteGeneratorOptions.Demo with { NoOpShare = 0 };

    public static DiversityConfig Preset(string scale, string device)
    {
        var training = new TrainingConfig(LearningRate: 1e-3f, WarmupSteps: 50, Schedule: LrSchedule.Linear, WeightDecay: 0.01f);
        var demo = new Shape(Layers: 3, Heads: 4, DModel: 64, Batch: 64);
        return scale switch
        {
            "demo" => Build(scale, DemoStrings, PowersOfTwo, budget: 32_768, epochs: 10, testRules: 200, testExamples: 500, seeds: [1],
                demo, training with { LearningRate = 3e-3f }, device),
            "small" => Build(scale, DemoStrings with { AlphabetSize = 8, InputLength = 16, MaxPatternLength = 4, MaxReplacementLength = 4 },
                PowersOfTwo, budget: 32_768, epochs: 10, testRules: 500, testExamples: 1000, seeds: [1, 2, 3],
                new Shape(Layers: 4, Heads: 4, DModel: 128, Batch: 64), training, device),
            "skew" => Build(scale, DemoStrings, [256, 1024], budget: 32_768, epochs: 10, testRules: 200, testExamples: 500, seeds: [1],
                demo, training with { LearningRate = 3e-3f }, device) with { Frequency = InstructionFrequency.PowerLawIndex, Alphas = [1, 0.5, 0.2, 0.1] },
            "paper" => Build(scale, RewriteGeneratorOptions.Paper with { NoOpShare = 0, MinPatternLength = 20 }, PaperCounts, budget: 1_000_000, epochs: 50,
                testRules: 10_000, testExamples: 100_000, seeds: [1], new Shape(Layers: 6, Heads: 4, DModel: 256, Batch: 128), training, device),
            _ => throw new ArgumentException($"unknown scale '{scale}' ({string.Join(", ", Names)})"),
        };
    }

    private sealed record Shape(int Layers, int Heads, int DModel, int Batch);

    private static DiversityConfig Build(string scale, RewriteGeneratorOptions generator, int[] counts, int budget, int epochs, int testRules, int testExamples,
        ulong[] seeds, Shape shape, TrainingConfig training, string device) =>
        new(scale, generator, counts, budget, testRules, testExamples, seeds, InstructionFrequency.Uniform, [1.0], UnseenSplit.Rules,
            new ModelConfig(ByteTokenizer.VocabSize, shape.Layers, shape.Heads, shape.DModel, MaxSeqLen: RoundUp(DiversityConfig.SequenceLength(generator), 8)),
            training, shape.Batch, epochs, device);

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
