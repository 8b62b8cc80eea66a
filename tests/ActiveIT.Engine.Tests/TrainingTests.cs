using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class TrainingTests
{
    [Fact]
    public void Train_LossFallsAndModelReproducesMemorisedTargets()
    {
        using var model = Models.CreateTiny(seed: 5);
        using var trainer = model.CreateTrainer(TrainedModels.Config(60));
        var batch = Models.Batch(TrainedModels.Pairs);
        var losses = Enumerable.Range(0, 60).Select(_ => trainer.Step(batch).Loss).ToArray();

        Assert.True(losses[^1] < losses[0] / 10, $"loss {losses[0]} -> {losses[^1]}");
        var prompts = TrainedModels.Pairs.Select(p => (int[])[ByteTokenizer.Bos, .. ByteTokenizer.Encode(p.Prompt), ByteTokenizer.Sep]).ToArray();
        var outputs = model.Generate(prompts, new GenerationOptions(16, [ByteTokenizer.Eos]));
        Assert.Equal(TrainedModels.Pairs.Select(p => p.Target), outputs.Select(o => ByteTokenizer.Decode(o)));
        Assert.All(outputs, o => Assert.Equal(ByteTokenizer.Eos, o[^1]));
    }

    [Fact]
    public void Train_LearnsARewriteRuleOnUnseenStrings()
    {
        // Rule "ab -> X", leftmost once, over random strings: the model must apply it to inputs it never saw.
        var random = new Random(1);
        string RandomString() => new(Enumerable.Range(0, 8).Select(_ => "abc"[random.Next(3)]).ToArray());
        static string Apply(string s)
        {
            var i = s.IndexOf("ab", StringComparison.Ordinal);
            return i < 0 ? s : string.Concat(s.AsSpan(0, i), "X", s.AsSpan(i + 2));
        }
        static TokenPair Pair(string s) => new([ByteTokenizer.Bos, .. ByteTokenizer.Encode(s), ByteTokenizer.Sep], [.. ByteTokenizer.Encode(Apply(s)), ByteTokenizer.Eos]);

        var config = new ModelConfig(ByteTokenizer.VocabSize, Layers: 2, Heads: 4, DModel: 64, MaxSeqLen: 32);
        using var model = GptModel.Create(config, seed: 2);
        const int steps = 400;
        using var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 3e-3f, TotalSteps: steps, WarmupSteps: 20, Schedule: LrSchedule.Cosine));
        for (var i = 0; i < steps; i++)
        {
            trainer.Step(SequenceBatch.FromPairs(Enumerable.Range(0, 32).Select(_ => Pair(RandomString())).ToArray()));
        }

        var tests = Enumerable.Range(0, 100).Select(_ => RandomString()).ToArray();
        var outputs = model.Generate(tests.Select(s => Pair(s).Prompt).ToArray(), new GenerationOptions(12, [ByteTokenizer.Eos]));
        var correct = tests.Zip(outputs).Count(p => ByteTokenizer.Decode(p.Second) == Apply(p.First) && p.Second[^1] == ByteTokenizer.Eos);
        Assert.True(correct >= 90, $"{correct}/100 unseen strings rewritten correctly");
    }

    [Fact]
    public void Train_SameSeedsGiveIdenticalLossesAndWeights()
    {
        float[] Run(string path)
        {
            using var model = Models.CreateTiny(seed: 9);
            using var trainer = model.CreateTrainer(TrainedModels.Config(10));
            var batch = Models.Batch(TrainedModels.Pairs);
            var losses = Enumerable.Range(0, 10).Select(_ => trainer.Step(batch).Loss).ToArray();
            model.Save(path);
            return losses;
        }
        using var dir = new TempDirectory();
        var a = Run(dir.File("a.safetensors"));
        var b = Run(dir.File("b.safetensors"));
        Assert.Equal(a, b);
        Assert.Equal(File.ReadAllBytes(dir.File("a.safetensors")), File.ReadAllBytes(dir.File("b.safetensors")));
    }

    [Fact]
    public void LearningRate_FollowsWarmupThenCosineDecay()
    {
        using var model = Models.CreateTiny();
        var config = new TrainingConfig(LearningRate: 1e-3f, TotalSteps: 20, WarmupSteps: 4, Schedule: LrSchedule.Cosine, MinLrRatio: 0.1f);
        using var trainer = model.CreateTrainer(config);
        var batch = Models.Batch(("a", "b"));
        var lrs = Enumerable.Range(0, 20).Select(_ => trainer.Step(batch).LearningRate).ToArray();
        Assert.Equal(0.2e-3f, lrs[0], 1e-7f);
        Assert.Equal(0.8e-3f, lrs[3], 1e-7f);
        Assert.Equal(1e-3f, lrs[4], 1e-7f);
        Assert.True(lrs.Skip(4).Zip(lrs.Skip(5)).All(p => p.First >= p.Second), "decay is monotone");
        Assert.InRange(lrs[^1], 0.1e-3f, 0.15e-3f);
    }
}
