using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;

namespace ActiveIT.Engine.Tests;

/// <summary>Perplexity denoising of transfer candidates (methods.md §2), against perplexities computed by hand on the real engine.</summary>
public sealed class CandidateScorerTests : IDisposable
{
    private readonly GptModel _model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 512, RotaryDim: 8), seed: 11);

    /// <summary>Outputs of very different lengths, and one instance without an output (never scored).</summary>
    private static InstructionTask Task(string definition) => new("cand", "test", TaskFormat.Niv2, definition,
        [new TaskExample("abab", "baab", "The first \"ab\" becomes \"ba\"."), new TaskExample("cab", "cba")], [],
        [
            new TaskInstance("i0", "xab", ["x"]),
            new TaskInstance("i1", "no output here", []),
            new TaskInstance("i2", "abcabc", ["bacabc and then a much longer reference output"]),
            new TaskInstance("i3", "ccab", ["ccba"]),
            new TaskInstance("i4", "q", ["qq"]),
            new TaskInstance("i5", "abz", ["a medium output"]),
        ], [], [], [], null, new Dictionary<string, string>());

    private static readonly DenoiseConfig Config = new(Enabled: true, Instances: 4, Seed: 7, Examples: 2);

    [Fact]
    public void Pairs_AreMSeededInstancesWithOutputs_UnderTheNiv2Prompt()
    {
        var task = Task("Replace the first \"ab\" with \"ba\".");
        var pairs = CandidateScorer.Pairs(task, Config);
        Assert.Equal(4, pairs.Count);
        var usable = task.Instances.Where(i => i.Outputs.Count > 0).ToArray();
        foreach (var (prompt, target) in pairs)
        {
            var instance = Assert.Single(usable, i => i.Outputs[0] == target);
            Assert.Equal(Niv2Prompt.Render(task, instance.Input, 2), prompt);
            Assert.StartsWith("Definition: Replace the first \"ab\" with \"ba\".", prompt);
            Assert.EndsWith($"Input: {instance.Input}.\nOutput: ", prompt);
        }
        // In instance order, the same for every candidate of the task (drawn from the task's id, not its text), and all of them when m exceeds the count.
        Assert.Equal(pairs.Select(p => p.Target), usable.Select(i => i.Outputs[0]).Where(o => pairs.Any(p => p.Target == o)));
        Assert.Equal(pairs.Select(p => p.Target), CandidateScorer.Pairs(Task("Something else entirely."), Config).Select(p => p.Target));
        Assert.Equal(5, CandidateScorer.Pairs(task, Config with { Instances = 32 }).Count);

        var flan = task with { Format = TaskFormat.Flan };
        Assert.All(CandidateScorer.Pairs(flan, Config), p => Assert.EndsWith("\nOutput: ", p.Prompt));
        Assert.Contains(CandidateScorer.Pairs(flan, Config with { Instances = 32 }), p => p.Prompt == "abcabc\nOutput: ");
    }

    [Fact]
    public async Task Score_IsTheTokenWeightedMeanCrossEntropy_ComputedByHand()
    {
        var task = Task("Replace the first \"ab\" with \"ba\".");
        var pairs = CandidateScorer.Pairs(task, Config);

        // By hand: [BOS] + prompt bytes, then target bytes + EOS scored; one batch of the exact pairs, as the backend sends them.
        var rows = pairs.Select(p => new TokenPair([ByteTokenizer.Bos, .. ByteTokenizer.Encode(p.Prompt)], [.. ByteTokenizer.Encode(p.Target), ByteTokenizer.Eos])).ToArray();
        var perPair = _model.Score(SequenceBatch.FromPairs(rows));
        Assert.Equal(pairs.Select(p => ByteTokenizer.Encode(p.Target).Length + 1), perPair.Select(s => s.TokenCount));
        var expected = -perPair.Sum(s => s.LogProbSum) / perPair.Sum(s => s.TokenCount);

        var backend = new LocalEngineBackend(_model, "tiny", "v");
        var score = await CandidateScorer.ScoreAsync(backend, task, Config);
        Assert.Equal(expected, score, 1e-9);
        Assert.True(score > 0 && double.IsFinite(score));

        // Each pair alone agrees too (another batch shape: float32 noise only).
        for (var i = 0; i < rows.Length; i++)
        {
            var alone = _model.Score(SequenceBatch.FromPairs([rows[i]]))[0];
            Assert.Equal(perPair[i].TokenCount, alone.TokenCount);
            Assert.Equal(perPair[i].LogProbSum, alone.LogProbSum, 1e-3);
        }

        // Token-weighted, not the mean of per-instance means: with outputs of 2 to 47 tokens the two differ.
        var unweighted = perPair.Average(s => -s.LogProbSum / s.TokenCount);
        Assert.True(Math.Abs(unweighted - score) > 1e-4, $"weighted {score} vs unweighted {unweighted}");
    }

    [Fact]
    public async Task Score_RanksCandidatesOfATask_AndNeedsAnOutputToScoreOn()
    {
        var backend = new LocalEngineBackend(_model, "tiny", "v");
        var a = await CandidateScorer.ScoreAsync(backend, Task("Replace the first \"ab\" with \"ba\"."), Config);
        var b = await CandidateScorer.ScoreAsync(backend, Task("Zzzz qqqq 9999 ~~~~ unrelated words."), Config);
        Assert.NotEqual(a, b);  // the definition is part of the prompt, so candidates differ in score
        Assert.Equal(a, await CandidateScorer.ScoreAsync(backend, Task("Replace the first \"ab\" with \"ba\"."), Config));

        var none = Task("x") with { Instances = [new TaskInstance("i", "in", [])] };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => CandidateScorer.ScoreAsync(backend, none, Config));
        Assert.Contains("'cand'", e.Message);
    }

    [Fact]
    public void Aggregate_ConstructedCase_TokenWeightedAndUitBatchMeansChooseDifferentCandidates()
    {
        // 16 instances, two batches of 8. Candidate A: one long, easy output and seven easy one-token outputs, then eight
        // hard one-token outputs; candidate B: 1.5 nats on every token. Token-weighted, A's long easy output dominates;
        // as a mean of batch means, A's hard batch counts as much as its easy one.
        SequenceScore[] a = [new(-100, 100), .. Enumerable.Repeat(new SequenceScore(-0.1, 1), 7), .. Enumerable.Repeat(new SequenceScore(-3, 1), 8)];
        SequenceScore[] b = [new(-150, 100), .. Enumerable.Repeat(new SequenceScore(-1.5, 1), 15)];

        var tokenA = CandidateScorer.Aggregate(a, DenoiseAggregation.TokenWeighted);
        var tokenB = CandidateScorer.Aggregate(b, DenoiseAggregation.TokenWeighted);
        var uitA = CandidateScorer.Aggregate(a, DenoiseAggregation.UitBatchMeans);
        var uitB = CandidateScorer.Aggregate(b, DenoiseAggregation.UitBatchMeans);

        Assert.Equal((100 + 0.7 + 24) / 115, tokenA, 1e-12);
        Assert.Equal(((100 + 0.7) / 107 + 3.0) / 2, uitA, 1e-12);
        Assert.Equal(1.5, tokenB, 1e-12);
        Assert.Equal(1.5, uitB, 1e-12);
        Assert.True(tokenA < tokenB);  // token-weighted keeps A
        Assert.True(uitB < uitA);      // the original code's aggregation keeps B
    }

    [Fact]
    public async Task Score_UitBatchMeans_IsTheMeanOfBatchMeansWithoutEos_ComputedByHand()
    {
        // Twelve instances with outputs of 1 to 34 bytes: two batches (8 and 4), each its own token-weighted mean.
        var task = Task("Replace the first \"ab\" with \"ba\".") with
        {
            Instances = [.. Enumerable.Range(0, 12).Select(i => new TaskInstance($"u{i}", $"in{i}ab", [new string((char)('a' + i), 1 + i * 3)]))],
        };
        var config = Config with { Instances = 32, Aggregation = DenoiseAggregation.UitBatchMeans };
        var pairs = CandidateScorer.Pairs(task, config);
        Assert.Equal(12, pairs.Count);

        var rows = pairs.Select(p => new TokenPair([ByteTokenizer.Bos, .. ByteTokenizer.Encode(p.Prompt)], [.. ByteTokenizer.Encode(p.Target)])).ToArray();
        var perPair = _model.Score(SequenceBatch.FromPairs(rows));
        Assert.Equal(pairs.Select(p => ByteTokenizer.Encode(p.Target).Length), perPair.Select(s => s.TokenCount));  // no EOS scored
        double Mean(IEnumerable<SequenceScore> part) => -part.Sum(s => s.LogProbSum) / part.Sum(s => s.TokenCount);
        var expected = (Mean(perPair.Take(8)) + Mean(perPair.Skip(8))) / 2;

        var backend = new LocalEngineBackend(_model, "tiny", "v");
        Assert.Equal(expected, await CandidateScorer.ScoreAsync(backend, task, config), 1e-9);
        Assert.NotEqual(await CandidateScorer.ScoreAsync(backend, task, config with { Aggregation = DenoiseAggregation.TokenWeighted }),
            await CandidateScorer.ScoreAsync(backend, task, config));
        // Its scores are cached apart: the default's key is unchanged, the original code's aggregation is named.
        Assert.Equal("denoise-v1/m=32/seed=7/examples=2", (config with { Aggregation = DenoiseAggregation.TokenWeighted }).ToString());
        Assert.Equal("denoise-v1/m=32/seed=7/examples=2/uit-batch-means", config.ToString());
    }

    public void Dispose() => _model.Dispose();
}
