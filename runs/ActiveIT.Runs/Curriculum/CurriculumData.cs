using ActiveIT.Core;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Runs.Curriculum;

/// <summary>
/// What a curriculum trains on and evaluates with, all in the NIV2 / Tk-Instruct prompt (definition + 2 positive
/// examples, examples only while they fit). Instances are drawn per (seed, task), so every round and every
/// strategy of a seed trains on the same instances of a task and is evaluated on the same held-out instances.
/// </summary>
public static class CurriculumData
{
    public static IReadOnlyList<TaskInstance> TrainingInstances(InstructionTask task, ulong seed, int count) =>
        Sample(task, SeededRandom.For(seed, $"train/{task.Id}"), count);

    public static IReadOnlyList<TaskInstance> EvaluationInstances(InstructionTask task, ulong seed, int count) =>
        Sample(task, SeededRandom.For(seed, $"eval/{task.Id}"), count);

    /// <summary>(prompt, first reference) pairs, tokenized for the engine; the prompt leaves room for the target.</summary>
    public static IEnumerable<TokenPair> TrainingPairs(InstructionTask task, ulong seed, ExperimentConfig config) =>
        TrainingInstances(task, seed, config.InstancesPerTask).Where(i => i.Outputs.Count > 0).Select(i =>
        {
            var context = config.Model.Context;
            var target = i.Outputs[0];
            var room = context - (System.Text.Encoding.UTF8.GetByteCount(target) + 1);
            return LocalEngineBackend.Encode(Prompt(task, i.Input, room), target, context);
        });

    /// <summary>The prompt an evaluation generates its answer from.</summary>
    public static string EvaluationPrompt(InstructionTask task, string input, ExperimentConfig config) =>
        Prompt(task, input, config.Model.Context - config.Evaluation.MaxNewTokens);

    /// <summary>The prompt for an instance, with as many of the first two positive examples as fit in <paramref name="room"/> tokens.</summary>
    public static string Prompt(InstructionTask task, string input, int room) =>
        Niv2Prompt.RenderFitting(task.Definition, [.. task.PositiveExamples.Take(2)], input, p => LocalEngineBackend.PromptLength(p) <= room);

    private static IReadOnlyList<TaskInstance> Sample(InstructionTask task, SeededRandom random, int count)
    {
        var instances = task.Instances.ToList();
        random.Shuffle(instances);
        return instances.Take(count).ToList();
    }
}
