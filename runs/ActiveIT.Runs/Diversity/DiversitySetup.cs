using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;
using ActiveIT.Grains.Diversity;

namespace ActiveIT.Runs.Diversity;

/// <summary>
/// A <see cref="DiversityConfig"/> as the engine runs it: the model with its context (from the generator's string
/// lengths), the optimiser with its schedule's length (every point trains on exactly the budget, so one length serves
/// all), and the device. Written whole into the result, as run.json's "config".
/// </summary>
public sealed record DiversitySetup(
    string Scale,
    RewriteGeneratorOptions Generator,
    IReadOnlyList<int> InstructionCounts,
    int ExampleBudget,
    int TestRules,
    int TestExamples,
    IReadOnlyList<ulong> Seeds,
    InstructionFrequency Frequency,
    IReadOnlyList<double> Alphas,
    UnseenSplit Unseen,
    ModelConfig Model,
    TrainingConfig Training,
    int BatchSize,
    int Epochs,
    string Device)
{
    public static DiversitySetup Of(DiversityConfig c, string device)
    {
        var schedule = Enum.Parse<LrSchedule>(c.Training.Schedule, ignoreCase: true);
        var training = new TrainingConfig(LearningRate: c.Training.LearningRate, TotalSteps: TrainingLoop.StepCount(c.ExampleBudget, c.BatchSize, c.Epochs),
            WarmupSteps: c.Training.WarmupSteps, Schedule: schedule, WeightDecay: c.Training.WeightDecay);
        var model = new ModelConfig(ByteTokenizer.VocabSize, c.Model.Layers, c.Model.Heads, c.Model.DModel, MaxSeqLen: RoundUp(DiversityConfig.SequenceLength(c.Generator), 8));
        return new(c.Scale, c.Generator, c.InstructionCounts, c.ExampleBudget, c.TestRules, c.TestExamples, c.Seeds, c.Frequency, c.Alphas, c.Unseen,
            model, training, c.BatchSize, c.Epochs, device);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
