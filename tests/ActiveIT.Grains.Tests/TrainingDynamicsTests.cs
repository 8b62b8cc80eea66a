using ActiveIT.Engine;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Grains.Tests;

/// <summary>Training dynamics on tasks whose truth is known: two clean tasks and one with a third of its labels wrong.</summary>
public sealed class TrainingDynamicsTests
{
    private static TokenPair Pair(string prompt, string answer) =>
        new([ByteTokenizer.Bos, .. ByteTokenizer.Encode(prompt)], [.. ByteTokenizer.Encode(answer), ByteTokenizer.Eos]);

    [Fact]
    public void NoisyLabels_StayUnlearned_WhileCleanTasksAreLearned()
    {
        // One rule, copy the letter, under three instructions; the third task's data gives every third example the
        // letter five places on instead.
        const int n = 24;
        static string Letter(int i) => ((char)('a' + i % 24)).ToString();
        (string, IReadOnlyList<TokenPair>)[] tasks =
        [
            ("clean-a", [.. Enumerable.Range(0, n).Select(i => Pair($"A:{Letter(i)}", Letter(i)))]),
            ("clean-b", [.. Enumerable.Range(0, n).Select(i => Pair($"B:{Letter(i)}", Letter(i)))]),
            ("noisy", [.. Enumerable.Range(0, n).Select(i => Pair($"C:{Letter(i)}", i % 3 == 0 ? Letter(i + 5) : Letter(i)))]),
        ];
        using var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 1, 2, 32, MaxSeqLen: 32, RotaryDim: 8), seed: 3);
        var epochs = 30;
        var steps = TrainingLoop.StepCount(3 * n, 8, epochs);
        var dynamics = TrainingDynamics.Measure(model, tasks, new TrainingConfig(2e-2f, steps, 4, LrSchedule.Linear), 8, epochs, seed: 5)
            .ToDictionary(d => d.TaskId);

        Assert.Equal(["clean-a", "clean-b", "noisy"], dynamics.Keys);
        Assert.All(dynamics.Values, d => Assert.Equal(n, d.Examples));
        Assert.All(dynamics.Values, d => Assert.InRange(d.Variability, 0, 0.5));
        Assert.All(["clean-a", "clean-b"], id => Assert.True(dynamics[id].Confidence > 0.7, $"{id}: confidence {dynamics[id].Confidence:F3}"));
        Assert.All(["clean-a", "clean-b"], id => Assert.Equal(0, dynamics[id].LowShare));
        // The changed third goes against what the other 64 examples teach: the model learns those late or not at all, so
        // the task's confidence is the lowest, and only its examples fall far below their task's typical one (5 of the 8).
        Assert.True(dynamics["noisy"].Confidence < Math.Min(dynamics["clean-a"].Confidence, dynamics["clean-b"].Confidence) - 0.03,
            $"noisy {dynamics["noisy"].Confidence:F3}");
        Assert.InRange(dynamics["noisy"].LowShare, 0.15, 8.0 / n);
    }
}
