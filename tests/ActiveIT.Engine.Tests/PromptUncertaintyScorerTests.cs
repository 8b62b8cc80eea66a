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
    public async Task ScoreMany_SharesTwoEngineCallsAmongTasks_AndGivesEachTheScoreItGetsAlone()
    {
        using var model = GptModel.Create(Config, seed: 3);
        var config = new ScorerConfig(Instances: 4, Perturbations: 3, Seed: 7, MaxNewTokens: 6);
        // Prompts of different lengths, so rows are padded differently in the shared requests than alone.
        InstructionTask[] tasks = [Task(), Task() with { Id = "t2", Definition = "Copy." }, Task() with { Id = "t3", PositiveExamples = [] }];
        var shared = new LocalEngineBackend(model, "tiny", "v1");
        var together = await new PromptUncertaintyScorer(shared, config).ScoreManyAsync(tasks);
        Assert.Equal(2, shared.EngineCalls);
        for (var i = 0; i < tasks.Length; i++)
        {
            var alone = await new PromptUncertaintyScorer(new LocalEngineBackend(model, "tiny", "v1"), config).ScoreAsync(tasks[i]);
            // Equal to float32's precision: the same greedy outputs, sums over differently shaped batches.
            Assert.Equal(alone.PromptUncertainty, together[i].PromptUncertainty, 1e-9 + 1e-6 * Math.Abs(alone.PromptUncertainty));
            Assert.Equal(Math.Log(alone.PredictionProbability), Math.Log(together[i].PredictionProbability), 1e-6 * Math.Abs(Math.Log(alone.PredictionProbability)));
            Assert.Equal(alone.Perplexity, together[i].Perplexity, 1e-6 * alone.Perplexity);
        }
        Assert.NotEqual(together[0].PromptUncertainty, together[1].PromptUncertainty);
    }

    [Fact]
    public async Task Score_DropsExamplesThatDoNotFitTheContext()
    {
        // 150-token context, 6 for the output: the definition + instance fit, the examples (long inputs) do not.
        using var model = GptModel.Create(Config with { MaxSeqLen = 150 }, seed: 3);
        var task = Task() with { PositiveExamples = [new(new string('a', 60), "b"), new(new string('c', 60), "d")] };
        var recorder = new RecordingBackend(new LocalEngineBackend(model, "tiny", "v1"));
        await new PromptUncertaintyScorer(recorder, new ScorerConfig(2, 1, DropProbability: 0, MaxNewTokens: 6)).ScoreAsync(task);
        Assert.All(recorder.Prompts, p => Assert.DoesNotContain("Positive Example", p));
        using var large = GptModel.Create(Config with { MaxSeqLen = 512 }, seed: 3);
        var roomy = new RecordingBackend(new LocalEngineBackend(large, "tiny", "v1"));
        await new PromptUncertaintyScorer(roomy, new ScorerConfig(2, 1, DropProbability: 0, MaxNewTokens: 6)).ScoreAsync(task);
        Assert.All(roomy.Prompts, p => Assert.Contains("Positive Example 2", p));
    }

    private sealed class RecordingBackend(IModelBackend inner) : IModelBackend
    {
        public List<string> Prompts { get; } = [];
        public string ModelId => inner.ModelId;
        public string ModelVersion => inner.ModelVersion;
        public int? ContextLength => inner.ContextLength;

        public Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default) => inner.TokenizeAsync(text, cancellationToken);

        public Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
            CancellationToken cancellationToken = default)
        {
            Prompts.AddRange(prompts);
            return inner.GenerateAsync(prompts, maxNewTokens, temperature, seed, cancellationToken);
        }

        public Task<IReadOnlyList<SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default)
        {
            Prompts.AddRange(pairs.Select(p => p.Prompt));
            return inner.ScoreAsync(pairs, cancellationToken);
        }
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
