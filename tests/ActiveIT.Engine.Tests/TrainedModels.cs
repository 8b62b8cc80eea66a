using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>Models trained inside the tests (seconds on CPU), for checks that need non-uniform predictions.</summary>
internal static class TrainedModels
{
    public static readonly (string Prompt, string Target)[] Pairs = [("abc", "cba"), ("a longer prompt", "ok"), ("xyz", "zyx")];

    public static TrainingConfig Config(int steps) =>
        new(LearningRate: 1e-2f, TotalSteps: steps, WarmupSteps: 5, Schedule: LrSchedule.Cosine, WeightDecay: 0f);

    /// <summary>A tiny model after 60 steps on three fixed pairs: it has memorised them.</summary>
    public static GptModel Memoriser(ulong seed = 11)
    {
        var model = Models.CreateTiny(seed);
        using var trainer = model.CreateTrainer(Config(60));
        var batch = Models.Batch(Pairs);
        for (var i = 0; i < 60; i++)
        {
            trainer.Step(batch);
        }
        return model;
    }
}
