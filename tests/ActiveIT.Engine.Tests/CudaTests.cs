using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class CudaTests
{
    [CudaFact]
    public void Cuda_SameSeedGivesSameWeightsAndScoresAsCpu()
    {
        using var cpu = Models.CreateTiny(seed: 4);
        using var gpu = GptModel.Create(Models.Tiny, seed: 4, device: "cuda");
        var batch = Models.Batch(TrainedModels.Pairs);
        var a = cpu.Score(batch);
        var b = gpu.Score(batch);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].TokenCount, b[i].TokenCount);
            Assert.Equal(a[i].LogProbSum, b[i].LogProbSum, 1e-3);
        }
    }

    [CudaFact]
    public void Cuda_TrainingLearnsAndGreedyMatchesWithAndWithoutCache()
    {
        using var model = GptModel.Create(Models.Tiny, seed: 5, device: "cuda");
        using var trainer = model.CreateTrainer(TrainedModels.Config(60));
        var batch = Models.Batch(TrainedModels.Pairs);
        var losses = Enumerable.Range(0, 60).Select(_ => trainer.Step(batch).Loss).ToArray();
        Assert.True(losses[^1] < losses[0] / 10);
        int[][] prompts = [[ByteTokenizer.Bos, .. ByteTokenizer.Encode("abc"), ByteTokenizer.Sep]];
        Assert.Equal(model.Generate(prompts, new GenerationOptions(8, [], UseCache: false)), model.Generate(prompts, new GenerationOptions(8, [])));
    }

    [CudaFact]
    public void Cuda_LlamaFamilyCheckpoint_SameLogitsAsCpu_AndLoraTrainsThere()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "qwen2");
        using var cpu = GptModel.Load(folder, precision: Precision.Fp32);
        using var gpu = GptModel.Load(folder, device: "cuda", precision: Precision.Fp32);
        int[] row = [1, 72, 101, 108, 108, 111, 32, 119];
        var a = cpu.NextLogits([row])[0];
        var b = gpu.NextLogits([row])[0];
        for (var v = 0; v < a.Length; v++)
        {
            Assert.Equal(a[v], b[v], 1e-3);
        }
        gpu.AttachLora(new Core.LoraConfig(4, 8, Core.LoraConfig.KnownTargets), seed: 1);
        using var trainer = gpu.CreateTrainer(new TrainingConfig(LearningRate: 1e-2f, TotalSteps: 30));
        var batch = SequenceBatch.FromPairs([new TokenPair(gpu.Tokenizer.EncodePrompt("the cat"), [.. gpu.Tokenizer.Encode(" sat"), gpu.Tokenizer.Eos])]);
        var losses = Enumerable.Range(0, 30).Select(_ => trainer.Step(batch).Loss).ToArray();
        Assert.True(losses[^1] < losses[0] / 2, $"loss {losses[0]} → {losses[^1]}");
    }
}
