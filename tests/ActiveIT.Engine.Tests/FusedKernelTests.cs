using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// The fused CPU kernels (causal attention, GELU) against plain ATen ops with ATen's autograd: same scores, and
/// training steps that follow the same trajectory — which checks the hand-written backward passes.
/// </summary>
[Collection(SerialCollection.Name)]  // the switch is process-wide
public sealed class FusedKernelTests
{
    private static (float[] Losses, SequenceScore[] Scores) TrainFiveSteps(bool fused)
    {
        EngineRuntime.SetFusedKernels(fused);
        try
        {
            using var model = GptModel.Create(Models.Tiny with { RotaryDim = 12, DModel = 48, Heads = 2 }, seed: 21);
            using var trainer = model.CreateTrainer(TrainedModels.Config(5) with { GradClip = 0 });
            var batch = Models.Batch(TrainedModels.Pairs);
            var losses = Enumerable.Range(0, 5).Select(_ => trainer.Step(batch).Loss).ToArray();
            return (losses, model.Score(batch));
        }
        finally
        {
            EngineRuntime.SetFusedKernels(true);
        }
    }

    [Fact]
    public void FusedKernels_MatchAtenReferenceThroughTraining()
    {
        var reference = TrainFiveSteps(fused: false);
        var fused = TrainFiveSteps(fused: true);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(reference.Losses[i], fused.Losses[i], 1e-4f);
        }
        Assert.True(reference.Losses[4] < reference.Losses[0] - 0.5f, "the trajectory moved: a real test of the gradients");
        for (var i = 0; i < reference.Scores.Length; i++)
        {
            Assert.Equal(reference.Scores[i].LogProbSum, fused.Scores[i].LogProbSum, 1e-3);
        }
    }
}
