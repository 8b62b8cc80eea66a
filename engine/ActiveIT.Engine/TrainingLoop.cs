using ActiveIT.Core;

namespace ActiveIT.Engine;

/// <summary>Epochs of shuffled mini-batches over (prompt, target) pairs: the loop every experiment trains with.</summary>
public static class TrainingLoop
{
    /// <summary>Steps a loop of <paramref name="examples"/> examples takes; size the schedule's TotalSteps with it.</summary>
    public static int StepCount(int examples, int batchSize, int epochs) => epochs * ((examples + batchSize - 1) / batchSize);

    public static TrainingRun Train(GptModel model, IReadOnlyList<TokenPair> examples, TrainingConfig config, int batchSize, int epochs,
        ulong seed, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Train(model, examples, config, batchSize, epochs, seed, progress, afterEpoch: null, cancellationToken);

    /// <summary>As above; <paramref name="afterEpoch"/> hears each finished epoch (0-based) with the model holding that
    /// epoch's weights, before the next epoch's first step: where best-epoch selection scores and keeps them.</summary>
    public static TrainingRun Train(GptModel model, IReadOnlyList<TokenPair> examples, TrainingConfig config, int batchSize, int epochs,
        ulong seed, IProgress<TrainingProgress>? progress, Action<int>? afterEpoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (examples.Count == 0)
        {
            throw new ArgumentException("no training examples", nameof(examples));
        }
        var random = SeededRandom.For(seed, "batch-order");
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var totalSteps = StepCount(examples.Count, batchSize, epochs);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var trainer = model.CreateTrainer(config);
        int step = 0;
        long targetTokens = 0, tokens = 0;
        double epochLoss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            epochLoss = 0;
            var batches = 0;
            for (var start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray().Select(i => examples[i]).ToArray();
                var batch = SequenceBatch.FromPairs(rows);
                var result = trainer.Step(batch);
                step++;
                batches++;
                epochLoss += result.Loss;
                targetTokens += result.TargetTokens;
                tokens += batch.Batch * batch.SeqLen;
                progress?.Report(new TrainingProgress(step, totalSteps, epoch, result, started.Elapsed.TotalSeconds, targetTokens));
            }
            epochLoss /= batches;
            afterEpoch?.Invoke(epoch);
        }
        return new TrainingRun(step, epochs, (float)epochLoss, targetTokens, tokens, started.Elapsed.TotalSeconds);
    }

    /// <summary>Continuations of many prompts, generated in batches of <paramref name="batchSize"/>; each keeps its stop token.</summary>
    public static int[][] GenerateAll(GptModel model, IReadOnlyList<int[]> prompts, GenerationOptions options, int batchSize)
    {
        var outputs = new int[prompts.Count][];
        for (var start = 0; start < prompts.Count; start += batchSize)
        {
            var chunk = prompts.Skip(start).Take(batchSize).ToArray();
            var generated = model.Generate(chunk, options);
            generated.CopyTo(outputs, start);
        }
        return outputs;
    }
}
