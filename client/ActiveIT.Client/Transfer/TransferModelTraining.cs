using ActiveIT.Core.Transfer;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;

namespace ActiveIT.Client.Transfer;

/// <summary>
/// The offline transfer model (methods.md §2, the paper's fine-tuned GPT-J): a decoder trained on
/// "Input: source\nOutput: " → target pairs, loss on the target only — the prompt <see cref="LocalChatBackend"/> sends.
/// </summary>
internal static class TransferModelTraining
{
    public static TrainingRun Train(GptModel model, IReadOnlyList<SeedPair> pairs, int epochs, int batchSize, float learningRate, ulong seed,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (pairs.Count == 0)
        {
            throw new ArgumentException("no (source, target) pairs to train on");
        }
        var examples = pairs.Select(p => LocalEngineBackend.Encode(model.Tokenizer, TransferPrompt.LocalPrompt(p.Source), p.Target, model.Config.MaxSeqLen)).ToArray();
        var steps = TrainingLoop.StepCount(examples.Length, batchSize, epochs);
        var config = new TrainingConfig(LearningRate: learningRate, TotalSteps: steps, WarmupSteps: Math.Min(50, steps / 10), Schedule: LrSchedule.Cosine, MinLrRatio: 0.1f);
        return TrainingLoop.Train(model, examples, config, batchSize, epochs, seed, progress, cancellationToken);
    }
}
