using ActiveIT.Core;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Tokenizers;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Runs.Curriculum;

/// <summary>
/// What a curriculum trains on and evaluates with, all in the NIV2 / Tk-Instruct prompt (definition + 2 positive
/// examples, examples only while they fit) as <see cref="Niv2PromptBuilder"/> builds it for every use. Instances are
/// drawn per (seed, task), so every round and every strategy of a seed trains on the same instances of a task and is
/// evaluated on the same held-out instances.
/// </summary>
public static class CurriculumData
{
    public static IReadOnlyList<TaskInstance> TrainingInstances(InstructionTask task, ulong seed, int count) =>
        Sample(task, SeededRandom.For(seed, $"train/{task.Id}"), count);

    /// <summary>Held-out instances: the task's first <paramref name="count"/> with <paramref name="first"/> (NIV2's test tasks
    /// list 100 label-balanced instances first, and Active-IT scores exactly those), else drawn per (seed, task).</summary>
    public static IReadOnlyList<TaskInstance> EvaluationInstances(InstructionTask task, ulong seed, int count, bool first = false) =>
        first ? [.. task.Instances.Take(count)] : Sample(task, SeededRandom.For(seed, $"eval/{task.Id}"), count);

    /// <summary>Dev instances, drawn per (seed, task) as Active-IT shuffles its dev tasks' instances with its seed.</summary>
    public static IReadOnlyList<TaskInstance> DevInstances(InstructionTask task, ulong seed, int count) =>
        Sample(task, SeededRandom.For(seed, $"dev/{task.Id}"), count);

    /// <summary>
    /// What every prompt of an experiment leaves for its answer: the longest generation it asks for (evaluation or
    /// prompt-uncertainty references), so training, evaluation and scoring see the same prompt for an instance, and every
    /// strategy of a config trains on the same prompts (docs/methods-differences.md).
    /// </summary>
    public static int AnswerTokens(ExperimentConfig config) => Math.Max(config.Evaluation.MaxNewTokens, config.Scoring.MaxNewTokens);

    /// <summary>(prompt, first reference) pairs, tokenized for the engine: the prompt whole, the target cut at the context.
    /// In the model's tokens (<paramref name="tokenizer"/>; bytes, ActiveIT's own models', when null).</summary>
    public static IEnumerable<TokenPair> TrainingPairs(InstructionTask task, ulong seed, ExperimentConfig config, ITextTokenizer? tokenizer = null) =>
        TrainingPairs(task, seed, config, new PromptTally(), tokenizer);

    /// <summary><see cref="TrainingPairs(InstructionTask, ulong, ExperimentConfig, ITextTokenizer)"/>, counting how the prompts fitted in <paramref name="tally"/>.</summary>
    public static IEnumerable<TokenPair> TrainingPairs(InstructionTask task, ulong seed, ExperimentConfig config, PromptTally tally, ITextTokenizer? tokenizer = null) =>
        TrainingInstances(task, seed, config.InstancesPerTask).Where(i => i.Outputs.Count > 0)
            .Select(i => LocalEngineBackend.EncodeAfterPrompt(tokenizer ?? ByteTextTokenizer.Instance, Prompt(task, i.Input, config, tally, tokenizer), i.Outputs[0], config.Model.Context));

    /// <summary>The mean UTF-8 length of the first reference of the task's training instances for this seed (0 without any):
    /// what the "longest responses" strategy ranks by.</summary>
    public static double ResponseLength(InstructionTask task, ulong seed, ExperimentConfig config) =>
        TrainingInstances(task, seed, config.InstancesPerTask).Where(i => i.Outputs.Count > 0)
            .Select(i => (double)System.Text.Encoding.UTF8.GetByteCount(i.Outputs[0])).DefaultIfEmpty(0).Average();

    /// <summary>
    /// An instance's prompt, for training and evaluation alike: as many of the first two positive examples as fit the
    /// context, counted in the model's tokens (<paramref name="tokenizer"/>; bytes, ActiveIT's own models' tokens, when null).
    /// </summary>
    public static string Prompt(InstructionTask task, string input, ExperimentConfig config, PromptTally? tally = null, ITextTokenizer? tokenizer = null)
    {
        var examples = task.PositiveExamples.Take(2).ToArray();
        Func<string, int> length = tokenizer is null ? LocalEngineBackend.PromptLength : text => LocalEngineBackend.PromptLength(tokenizer, text);
        var fitted = Niv2PromptBuilder.Build(task.Definition, examples, input, config.Model.Context, AnswerTokens(config), length);
        tally?.Add(fitted, examples.Length);
        return fitted.Text;
    }

    private static IReadOnlyList<TaskInstance> Sample(InstructionTask task, SeededRandom random, int count)
    {
        var instances = task.Instances.ToList();
        random.Shuffle(instances);
        return instances.Take(count).ToList();
    }

    /// <summary>Counts how a step's prompts fitted the context (<see cref="PromptFit"/>).</summary>
    public sealed class PromptTally
    {
        public PromptFit Fit { get; private set; } = PromptFit.None;

        public void Add(FittedPrompt prompt, int available) => Fit = Fit.Add(prompt, available);
    }
}
