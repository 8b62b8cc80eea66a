using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Core.Tests;

public sealed class UncertaintyTests
{
    [Fact]
    public void Scores_FollowTheDefinitions()
    {
        // Two instances, prompt 0 + two perturbations. p = exp(sum/tokens).
        var sums = new double[,] { { Math.Log(0.5) * 2, Math.Log(0.25) * 2, Math.Log(0.5) * 2 }, { Math.Log(0.8) * 4, Math.Log(0.4) * 4, Math.Log(0.6) * 4 } };
        var counts = new int[,] { { 2, 2, 2 }, { 4, 4, 4 } };
        var scores = UncertaintyScores.Compute(sums, counts);
        Assert.Equal((0.25 + 0.0 + 0.4 + 0.2) / 4, scores.PromptUncertainty, 12);
        Assert.Equal((0.5 + 0.8) / 2, scores.PredictionProbability, 12);
        // Task perplexity: the plain mean of the instances' perplexities (2 and 1.25), not one pooled over all six tokens (1.462).
        Assert.Equal((2 + 1.25) / 2, scores.Perplexity, 12);
        Assert.NotEqual(Math.Round(Math.Exp(-(Math.Log(0.5) * 2 + Math.Log(0.8) * 4) / 6), 3), Math.Round(scores.Perplexity, 3));
        Assert.Equal((2, 2), (scores.Instances, scores.Perturbations));
        Assert.Throws<ArgumentException>(() => UncertaintyScores.Compute(new double[1, 1], new int[1, 1]));
        Assert.Throws<ArgumentException>(() => UncertaintyScores.Compute(new double[1, 2], new int[1, 2]));
    }

    [Fact]
    public void LabelScores_AreTheLabelsLossAfterThePrompt_AndItsPerplexityRatioToTheLabelAlone()
    {
        // Instance 1: label of 2 tokens at p = 0.5 each after the prompt, 0.25 alone → NLL ln 2 vs ln 4, IFD = 2/4.
        // Instance 2: label of 4 tokens at p = 0.8 after the prompt, 0.8 alone → the instruction does not help, IFD = 1.
        var scores = LabelScores.Compute([(Math.Log(0.5) * 2, 2), (Math.Log(0.8) * 4, 4)], [(Math.Log(0.25) * 2, 2), (Math.Log(0.8) * 4, 4)]);
        Assert.Equal((Math.Log(2) + Math.Log(1.25)) / 2, scores.LabelLoss, 12);
        Assert.Equal((0.5 + 1.0) / 2, scores.Ifd, 12);
        Assert.Equal(2, scores.Instances);
        Assert.Throws<ArgumentException>(() => LabelScores.Compute([], []));
        Assert.Throws<ArgumentException>(() => LabelScores.Compute([(0, 0)], [(0, 1)]));
    }

    [Fact]
    public void WordDropout_IsSeededAndDropsAboutP()
    {
        var text = string.Join(' ', Enumerable.Range(0, 10_000).Select(i => $"w{i}"));
        var a = WordDropout.Apply(text, 0.2, new SeededRandom(3));
        Assert.Equal(a, WordDropout.Apply(text, 0.2, new SeededRandom(3)));
        var kept = a.Split(' ').Length;
        Assert.InRange(kept, 7_800, 8_200);
        Assert.Equal(text, WordDropout.Apply(text, 0, new SeededRandom(1)));
        Assert.Equal("", WordDropout.Apply(text, 1, new SeededRandom(1)));
    }

    [Fact]
    public void TaskMap_RankThirds_ByDefault()
    {
        var points = Enumerable.Range(0, 9).Select(i => new TaskMap.Point($"t{i}", PromptUncertainty: i, PredictionProbability: i % 3 / 10.0 + i / 100.0)).ToArray();
        var map = TaskMap.Categorize(points).ToDictionary(e => e.TaskId, e => e.Category);
        Assert.Equal([TaskMapCategory.Ambiguous], new[] { "t6", "t7", "t8" }.Select(t => map[t]).Distinct());
        Assert.Equal(3, map.Values.Count(c => c == TaskMapCategory.Easy));
        Assert.Equal(3, map.Values.Count(c => c == TaskMapCategory.Difficult));
        // Among t0..t5 the highest PP are t5 (0.25), t2 (0.22), t4 (0.14): easy.
        Assert.Equal(["t2", "t4", "t5"], map.Where(p => p.Value == TaskMapCategory.Easy).Select(p => p.Key).Order());
        Assert.Equal(map, TaskMap.Categorize(points.Reverse().ToArray()).ToDictionary(e => e.TaskId, e => e.Category));
    }
}
