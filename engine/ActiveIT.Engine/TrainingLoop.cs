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
        ulong seed, IProgress<TrainingProgress>? progress, Action<int>? afterEpoch, CancellationToken cancellationToken = default) =>
        Train(model, examples, config, batchSize, epochs, seed, progress, afterEpoch, ExampleOrder.Shuffled, cancellationToken);

    /// <summary>As above, ordering each epoch's examples by <paramref name="order"/>.</summary>
    public static TrainingRun Train(GptModel model, IReadOnlyList<TokenPair> examples, TrainingConfig config, int batchSize, int epochs,
        ulong seed, IProgress<TrainingProgress>? progress, Action<int>? afterEpoch, ExampleOrder order, CancellationToken cancellationToken = default)
    {
        try
        {
            return TrainOnce(model, examples, config, batchSize, epochs, seed, progress, afterEpoch, order, cancellationToken);
        }
        finally
        {
            EngineRuntime.ReleaseFreedMemory();  // the run's activations and optimizer state, freed with its trainer
        }
    }

    private static TrainingRun TrainOnce(GptModel model, IReadOnlyList<TokenPair> examples, TrainingConfig config, int batchSize, int epochs,
        ulong seed, IProgress<TrainingProgress>? progress, Action<int>? afterEpoch, ExampleOrder order, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (examples.Count == 0)
        {
            throw new ArgumentException("no training examples", nameof(examples));
        }
        using var epochOrders = EpochOrders(examples, seed, order).GetEnumerator();
        var totalSteps = StepCount(examples.Count, batchSize, epochs);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var trainer = model.CreateTrainer(config);
        int step = 0;
        long targetTokens = 0, tokens = 0;
        double epochLoss = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            epochOrders.MoveNext();
            var positions = epochOrders.Current;
            epochLoss = 0;
            var batches = 0;
            for (var start = 0; start < positions.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = positions.AsSpan(start, Math.Min(batchSize, positions.Length - start)).ToArray().Select(i => examples[i]).ToArray();
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

    /// <summary>The positions of <paramref name="examples"/> in the order each epoch visits them, epoch after epoch.</summary>
    public static IEnumerable<int[]> EpochOrders(IReadOnlyList<TokenPair> examples, ulong seed, ExampleOrder order)
    {
        var random = SeededRandom.For(seed, "batch-order");
        var positions = Enumerable.Range(0, examples.Count).ToArray();
        var keys = order == ExampleOrder.ByContent ? examples.Select(ContentKey).ToArray() : null;
        while (true)
        {
            if (keys is null)
            {
                random.Shuffle(positions);
                yield return [.. positions];
            }
            else
            {
                var salt = random.NextULong();
                yield return [.. positions.OrderBy(i => Mix(salt ^ keys[i])).ThenBy(i => i)];
            }
        }
    }

    /// <summary>A 64-bit FNV-1a hash of an example's prompt and target tokens: where <see cref="ExampleOrder.ByContent"/> places it.</summary>
    public static ulong ContentKey(TokenPair pair)
    {
        var h = 14695981039346656037UL;
        foreach (var token in pair.Prompt.Append(-1).Concat(pair.Target))
        {
            h = (h ^ (uint)token) * 1099511628211UL;
        }
        return h;
    }

    /// <summary>SplitMix64's finaliser: spreads a salted key over 64 bits, so the order looks shuffled.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
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
