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
    /// <summary>From scratch: a new byte model's rate.</summary>
    public const float ScratchRate = 1e-3f;

    /// <summary>The paper's rate for fine-tuning GPT-J-6B into its transfer model (batch 16, 2 epochs).</summary>
    public const float PaperGptJRate = 1e-6f;

    /// <summary>Fine-tuning a base of ActiveIT's own (small byte models): a tenth of the from-scratch rate.</summary>
    public const float OwnBaseRate = 1e-4f;

    /// <summary>
    /// The rate to train at, and why: a given rate always; else from scratch 1e-3, while a pretrained base is fine-tuned
    /// — a Hugging Face GPT-J folder at the paper's 1e-6 (1e-3 would wreck six billion pretrained weights in a few
    /// steps), an ActiveIT checkpoint at 1e-4.
    /// </summary>
    public static (float Rate, string Why) LearningRate(string? basePath, float? given) =>
        given is { } rate ? (rate, "given")
        : basePath is null ? (ScratchRate, "a new model")
        : Directory.Exists(basePath) ? (PaperGptJRate, "fine-tuning a Hugging Face GPT-J base: the paper's rate")
        : (OwnBaseRate, "fine-tuning an ActiveIT base: a tenth of the from-scratch rate");

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
