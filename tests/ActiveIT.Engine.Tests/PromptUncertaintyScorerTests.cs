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
        Assert.All(roomy.Prompts.Where(p => p.Length > 0), p => Assert.Contains("Positive Example 2", p));  // "": a label scored alone (IFD)
    }

    /// <summary>A task whose bare prompt (definition + instance, no examples) is longer than a 192-token context leaves
    /// for a prompt once 128 tokens are kept for the answer.</summary>
    private static InstructionTask LongTask() => Task() with
    {
        Definition = "Reverse the letters of the word you are given, keeping the case of every letter as it is and adding nothing else to the answer at all.",
    };

    [Fact]
    public async Task Score_ScoresEachInstancesReferenceAfterItsPromptAndAlone_ForLabelLossAndIfd()
    {
        using var model = GptModel.Create(Config, seed: 3);
        var recorder = new RecordingBackend(new LocalEngineBackend(model, "tiny", "v1"));
        var scores = await new PromptUncertaintyScorer(recorder, new ScorerConfig(Instances: 3, Perturbations: 2, Seed: 7, MaxNewTokens: 6)).ScoreAsync(Task());
        // 3 instances × 3 prompts of greedy outputs, then per instance its reference after prompt 0 and after nothing.
        Assert.Equal(9 + 6, recorder.Pairs.Count);
        var labels = recorder.Pairs.Skip(9).ToArray();
        var direct = await new LocalEngineBackend(model, "tiny", "v1").ScoreAsync(labels);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((recorder.Pairs[i * 3].Prompt, ""), (labels[2 * i].Prompt, labels[2 * i + 1].Prompt));
            Assert.Matches(@"^\d+drow$", labels[2 * i].Target);  // the instance's reference, not the model's answer
            Assert.Equal(labels[2 * i].Target, labels[2 * i + 1].Target);
            Assert.Contains($"Input: word{labels[2 * i].Target[..^4]}.\n", labels[2 * i].Prompt);  // the reference of the prompt's own instance
        }
        var expected = Core.Uncertainty.LabelScores.Compute([.. Enumerable.Range(0, 3).Select(i => (direct[2 * i].LogProbSum, direct[2 * i].TokenCount))],
            [.. Enumerable.Range(0, 3).Select(i => (direct[2 * i + 1].LogProbSum, direct[2 * i + 1].TokenCount))]);
        Assert.Equal(expected, scores.Labels);
        Assert.True(scores.Labels!.LabelLoss > 0);
    }

    [Fact]
    public async Task Score_SmallContextWithLongPrompt_GeneratesAndScoresFromTheSamePromptTokens()
    {
        // Context 192, answers up to 128 tokens: before, generation kept the prompt's last 64 tokens (the definition cut
        // away) while scoring kept all of it.
        using var model = GptModel.Create(Config with { MaxSeqLen = 192 }, seed: 3);
        var recorder = new RecordingBackend(new LocalEngineBackend(model, "tiny", "v1"));
        await new PromptUncertaintyScorer(recorder, new ScorerConfig(3, 2, MaxNewTokens: 128)).ScoreAsync(LongTask());
        Assert.Equal(3, recorder.Generated.Count);
        for (var i = 0; i < recorder.Generated.Count; i++)
        {
            var (prompt, output) = recorder.Generated[i];
            var scored = recorder.Pairs[i * 3];  // prompt 0 of instance i: the unperturbed one its output was generated from
            Assert.Equal(prompt, scored.Prompt);
            Assert.Equal(output, scored.Target);
            Assert.Equal(LocalEngineBackend.GenerationPrompt(model.Tokenizer, prompt, 192, 128),
                LocalEngineBackend.EncodeAfterPrompt(model.Tokenizer, scored.Prompt, scored.Target, 192).Prompt);
        }
    }

    [Fact]
    public async Task Score_PromptLongerThanItsRoom_KeepsTheDefinitionAtTheHead()
    {
        using var model = GptModel.Create(Config with { MaxSeqLen = 192 }, seed: 3);
        var recorder = new RecordingBackend(new LocalEngineBackend(model, "tiny", "v1"));
        var task = LongTask();
        await new PromptUncertaintyScorer(recorder, new ScorerConfig(2, 1, DropProbability: 0, MaxNewTokens: 128)).ScoreAsync(task);
        foreach (var (prompt, _) in recorder.Generated)
        {
            var tokens = LocalEngineBackend.GenerationPrompt(model.Tokenizer, prompt, 192, 128);
            var text = model.Tokenizer.Decode(tokens);
            Assert.Equal(ByteTokenizer.Bos, tokens[0]);
            Assert.StartsWith("Definition: Reverse the letters", text);
            Assert.EndsWith("\nOutput: ", text);  // a decoder answers after the template's last line
            Assert.True(tokens.Length + 128 < 192, $"{tokens.Length} prompt tokens leave no room for 128 answer tokens and EOS");
        }
    }

    private sealed class RecordingBackend(IModelBackend inner) : IModelBackend
    {
        public List<string> Prompts { get; } = [];
        public List<(string Prompt, string Output)> Generated { get; } = [];
        public List<(string Prompt, string Target)> Pairs { get; } = [];
        public string ModelId => inner.ModelId;
        public string ModelVersion => inner.ModelVersion;
        public int? ContextLength => inner.ContextLength;

        public Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default) => inner.TokenizeAsync(text, cancellationToken);

        public async Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
            CancellationToken cancellationToken = default)
        {
            Prompts.AddRange(prompts);
            var outputs = await inner.GenerateAsync(prompts, maxNewTokens, temperature, seed, cancellationToken);
            Generated.AddRange(prompts.Zip(outputs));
            return outputs;
        }

        public Task<IReadOnlyList<SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default)
        {
            Prompts.AddRange(pairs.Select(p => p.Prompt));
            Pairs.AddRange(pairs);
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
