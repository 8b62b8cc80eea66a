using ActiveIT.Core.Rewriting;

namespace ActiveIT.Grains.Diversity;

/// <summary>
/// Named scales of the experiment; every field can still be overridden. All use the paper's headline setting: every
/// input contains its pattern (no-op share 0, Fig. 2a). "demo" and "small" sample every factor of 2 from 16 to 1,024
/// instructions; "skew" sweeps the power-law shape α at demo size; "paper" is methods.md §3 at full size (~10^17 FLOPs
/// a point: a GPU job) on the paper's own grid, with the fixed-length reading |x| = 20.
/// </summary>
public static class DiversityScale
{
    public static readonly string[] Names = ["demo", "small", "skew", "paper"];

    /// <summary>Every factor of 2 across the range the demo and small scales can afford.</summary>
    internal static readonly int[] PowersOfTwo = [16, 32, 64, 128, 256, 512, 1024];

    /// <summary>The paper's grid (methods.md §3), dense through its 300–500 transition.</summary>
    private static readonly int[] PaperCounts = [10, 20, 50, 100, 200, 300, 400, 500, 600, 1000, 2000, 2500, 5000, 10_000, 100_000, 1_000_000];

    internal static readonly RewriteGeneratorOptions DemoStrings = RewriteGeneratorOptions.Demo with { NoOpShare = 0 };

    /// <summary>The preset's config ("demo" is <see cref="DiversityConfig"/>'s defaults).</summary>
    public static DiversityConfig Preset(string scale)
    {
        var demo = new DiversityConfig();
        var slower = demo.Training with { LearningRate = 1e-3f };
        return scale switch
        {
            "demo" => demo,
            "small" => demo with
            {
                Scale = scale, Generator = DemoStrings with { AlphabetSize = 8, InputLength = 16, MaxPatternLength = 4, MaxReplacementLength = 4 },
                TestRules = 500, TestExamples = 1000, Seeds = [1, 2, 3], Model = new DiversityModel { Layers = 4, Heads = 4, DModel = 128 }, Training = slower,
            },
            "skew" => demo with { Scale = scale, InstructionCounts = [256, 1024], Frequency = InstructionFrequency.PowerLawIndex, Alphas = [1, 0.5, 0.2, 0.1] },
            "paper" => demo with
            {
                Scale = scale, Generator = RewriteGeneratorOptions.Paper with { NoOpShare = 0, MinPatternLength = 20 }, InstructionCounts = PaperCounts,
                ExampleBudget = 1_000_000, Epochs = 50, TestRules = 10_000, TestExamples = 100_000, Model = new DiversityModel { Layers = 6, Heads = 4, DModel = 256 },
                Training = slower, BatchSize = 128,
            },
            _ => throw new ArgumentException($"unknown scale '{scale}' ({string.Join(", ", Names)})"),
        };
    }
}
