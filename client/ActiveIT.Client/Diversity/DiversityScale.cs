using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;

namespace ActiveIT.Client.Diversity;

/// <summary>
/// Named scales of the experiment. "paper" is methods.md §3 at full size (~10^17 FLOPs a point: a GPU job);
/// "small" about 40 minutes on two cores; "demo" about four. Every option can still be overridden.
/// </summary>
internal static class DiversityScale
{
    public static readonly string[] Names = ["demo", "small", "paper"];

    public static DiversityConfig Preset(string scale, string device)
    {
        var training = new TrainingConfig(LearningRate: 1e-3f, WarmupSteps: 50, Schedule: LrSchedule.Linear, WeightDecay: 0.01f);
        return scale switch
        {
            "demo" => Build(scale, RewriteGeneratorOptions.Demo, [4, 32, 256, 2048, 8192], budget: 8192, testRules: 200, testExamples: 500,
                seeds: [1], layers: 3, heads: 4, dModel: 64, training with { LearningRate = 3e-3f }, batch: 64, epochs: 10, device),
            "small" => Build(scale, RewriteGeneratorOptions.Demo with { AlphabetSize = 8, InputLength = 16, MaxPatternLength = 4, MaxReplacementLength = 4 },
                [10, 100, 1000, 10_000], budget: 10_000, testRules: 500, testExamples: 1000, seeds: [1, 2, 3],
                layers: 4, heads: 4, dModel: 128, training, batch: 64, epochs: 10, device),
            "paper" => Build(scale, RewriteGeneratorOptions.Paper, [10, 100, 1000, 10_000, 100_000, 1_000_000], budget: 1_000_000,
                testRules: 10_000, testExamples: 100_000, seeds: [1], layers: 6, heads: 4, dModel: 256, training, batch: 128, epochs: 50, device),
            _ => throw new ArgumentException($"unknown scale '{scale}' ({string.Join(", ", Names)})"),
        };
    }

    private static DiversityConfig Build(string scale, RewriteGeneratorOptions generator, int[] counts, int budget, int testRules, int testExamples,
        ulong[] seeds, int layers, int heads, int dModel, TrainingConfig training, int batch, int epochs, string device) =>
        new(scale, generator, counts, budget, testRules, testExamples, seeds, InstructionFrequency.Uniform, 1.0,
            new ModelConfig(ByteTokenizer.VocabSize, layers, heads, dModel, MaxSeqLen: RoundUp(DiversityConfig.SequenceLength(generator), 8)),
            training, batch, epochs, device);

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
