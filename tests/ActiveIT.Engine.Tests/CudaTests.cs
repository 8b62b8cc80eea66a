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
}
