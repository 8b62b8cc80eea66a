using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class BadInputTests
{
    [Fact]
    public void Score_TokenOutOfRangeThrowsWithPosition()
    {
        using var model = Models.CreateTiny();
        var batch = SequenceBatch.FromArrays(1, 3, [1, 999, 2], [0, 1, 1]);
        var e = Assert.Throws<EngineException>(() => model.Score(batch));
        Assert.Contains("token id 999 at row 0, position 1 is outside the vocabulary [0, 260)", e.Message);
        Assert.Contains("-3", Assert.Throws<EngineException>(() => model.Score(SequenceBatch.FromArrays(1, 2, [1, -3], [0, 1]))).Message);
    }

    [Fact]
    public void EmptyBatchesThrow()
    {
        using var model = Models.CreateTiny();
        using var trainer = model.CreateTrainer(TrainedModels.Config(10));
        var empty = SequenceBatch.FromPairs([]);
        Assert.Contains("empty batch", Assert.Throws<EngineException>(() => model.Score(empty)).Message);
        Assert.Contains("empty batch", Assert.Throws<EngineException>(() => trainer.Step(empty)).Message);
        Assert.Contains("empty batch", Assert.Throws<EngineException>(() => model.Generate([], new GenerationOptions(4, []))).Message);
        Assert.Contains("empty", Assert.Throws<EngineException>(() => model.Generate([[]], new GenerationOptions(4, []))).Message);
        Assert.Contains("no target tokens", Assert.Throws<EngineException>(() => trainer.Step(SequenceBatch.FromArrays(1, 2, [1, 2], [0, 0]))).Message);
    }

    [Fact]
    public void WrongShapesThrow()
    {
        using var model = Models.CreateTiny();
        var tooLong = SequenceBatch.FromArrays(1, 100, new int[100], new byte[100]);
        Assert.Contains("exceeds the model's max_seq_len 48", Assert.Throws<EngineException>(() => model.Score(tooLong)).Message);
        Assert.Contains("position 0", Assert.Throws<EngineException>(() => model.Score(SequenceBatch.FromArrays(1, 2, [1, 2], [1, 1]))).Message);
        Assert.Throws<ArgumentException>(() => SequenceBatch.FromArrays(2, 3, new int[5], new byte[6]));
        var fullPrompt = Enumerable.Repeat(1, 48).ToArray();
        Assert.Contains("leaves no room", Assert.Throws<EngineException>(() => model.Generate([fullPrompt], new GenerationOptions(4, []))).Message);
    }

    [Fact]
    public void InvalidConfigsAndDevicesThrow()
    {
        Assert.Contains("multiple of n_head", Assert.Throws<EngineException>(() => GptModel.Create(Models.Tiny with { Heads = 3 }, 1)).Message);
        Assert.Contains("rotary_dim", Assert.Throws<EngineException>(() => GptModel.Create(Models.Tiny with { RotaryDim = 7 }, 1)).Message);
        Assert.Contains("unknown device", Assert.Throws<EngineException>(() => GptModel.Create(Models.Tiny, 1, "tpu")).Message);
        if (!EngineRuntime.Info.CudaAvailable)
        {
            Assert.Contains("no CUDA", Assert.Throws<EngineException>(() => GptModel.Create(Models.Tiny, 1, "cuda")).Message);
        }
        using var model = Models.CreateTiny();
        Assert.Contains("lr must be positive", Assert.Throws<EngineException>(() => model.CreateTrainer(new TrainingConfig(LearningRate: 0))).Message);
    }

    [Fact]
    public void ErrorsDoNotPoisonLaterCalls()
    {
        using var model = Models.CreateTiny();
        Assert.Throws<EngineException>(() => model.Score(SequenceBatch.FromArrays(1, 2, [1, 999], [0, 1])));
        var ok = model.Score(Models.Batch(("a", "b")));
        Assert.Equal(2, ok[0].TokenCount);
    }
}
