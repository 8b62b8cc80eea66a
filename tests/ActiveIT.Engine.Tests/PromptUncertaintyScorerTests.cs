using ActiveIT.Core.Tasks;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;

namespace ActiveIT.Engine.Tests;

public sealed class PromptUncertaintyScorerTests
{
    private static readonly ModelConfig Config = new(ByteTokenizer.VocabSize, Layers: 2, Heads: 2, DModel: 32, MaxSeqLen: 256, RotaryDim: 8);

    private static InstructionTask Task() => new("t1", "test", TaskFormat.Niv2, "Reverse the letters of the word you are given.",
        [new("abc", "cba"), new("hello", "olleh")], [],
        [.. Enumerable.Range(0, 12).Select(i => new TaskInstance($"i{i}", $"word{i}", [$"{i}drow"]))], [], [], [], null, new Dictionary<string, string>());

    [Fact]
    public async Task Score_UsesTwoEngineCallsWithinBudget_AndIsReproducible()
    {
        using var model = GptModel.Create(Config, seed: 3);
        var backend = new LocalEngineBackend(model, "tiny", "v1");
        var config = new ScorerConfig(Instances: 4, Perturbations: 5, Seed: 7, MaxNewTokens: 6);
        var scores = await new PromptUncertaintyScorer(backend, config).ScoreAsync(Task());
        Assert.Equal(2, backend.EngineCalls);  // one generate batch, one score batch of 4 × 6 prompts
        Assert.Equal((4, 5), (scores.Instances, scores.Perturbations));
        Assert.True(scores.PromptUncertainty > 0);
        Assert.InRange(scores.PredictionProbability, 1e-6, 1);
        Assert.True(scores.Perplexity >= 1);
        Assert.Equal(scores, await new PromptUncertaintyScorer(new LocalEngineBackend(model, "tiny", "v1"), config).ScoreAsync(Task()));
    }

    [Fact]
    public async Task Score_WithoutDropout_HasZeroUncertainty()
    {
        using var model = GptModel.Create(Config, seed: 3);
        var scores = await new PromptUncertaintyScorer(new LocalEngineBackend(model, "tiny", "v1"), new ScorerConfig(4, 3, DropProbability: 0, MaxNewTokens: 6)).ScoreAsync(Task());
        Assert.InRange(scores.PromptUncertainty, 0, 1e-8);  // identical prompts; rows differ only in batch position (float rounding)
    }

    [Fact]
    public async Task Score_SmallMemoryBudget_SplitsCallsButNotResults()
    {
        using var model = GptModel.Create(Config, seed: 3);
        var config = new ScorerConfig(Instances: 4, Perturbations: 5, Seed: 7, MaxNewTokens: 6);
        var whole = await new PromptUncertaintyScorer(new LocalEngineBackend(model, "tiny", "v1"), config).ScoreAsync(Task());
        var small = new LocalEngineBackend(model, "tiny", "v1", maxTokensPerBatch: 600);
        var split = await new PromptUncertaintyScorer(small, config).ScoreAsync(Task());
        Assert.True(small.EngineCalls > 2, $"{small.EngineCalls} calls");
        Assert.Equal(whole.PromptUncertainty, split.PromptUncertainty, 5);
        Assert.Equal(whole.PredictionProbability, split.PredictionProbability, 5);
    }
}
