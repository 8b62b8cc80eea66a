using ActiveIT.Engine;

namespace ActiveIT.Runs.Scoring;

/// <summary>
/// Dataset cartography (Swayamdipta et al., EMNLP 2020) at the task level: train a model on the tasks themselves and,
/// after every epoch, read how likely it finds each training example's reference label (the probability of the whole
/// label, EOS included: a wrong label is often predictable after its first token, and a per-token mean would hide it). Across epochs an example has a <em>confidence</em> (the mean) and a <em>variability</em> (the
/// spread). A task is the mean of its examples, plus the share of its examples the model keeps far below the task's
/// own typical example: a task whose labels are partly wrong has most examples learned and a minority that never is,
/// while a hard clean task has all of its examples low together.
/// </summary>
public static class TrainingDynamics
{
    /// <param name="Confidence">Mean over the task's examples of the label's probability across epochs.</param>
    /// <param name="Variability">Mean over the task's examples of that probability's standard deviation across epochs.</param>
    /// <param name="LowShare">Share of the task's examples whose confidence is below half the task's median example confidence.</param>
    public sealed record TaskDynamics(string TaskId, double Confidence, double Variability, double LowShare, int Examples);

    /// <summary>Trains <paramref name="model"/> in place on every task's pairs together and returns each task's dynamics.</summary>
    public static IReadOnlyList<TaskDynamics> Measure(GptModel model, IReadOnlyList<(string TaskId, IReadOnlyList<TokenPair> Pairs)> tasks,
        TrainingConfig config, int batchSize, int epochs, ulong seed, ExampleOrder order = ExampleOrder.Shuffled, int scoreBatch = 64,
        CancellationToken cancellationToken = default)
    {
        var pairs = tasks.SelectMany(t => t.Pairs).ToArray();
        var byEpoch = new double[epochs][];
        TrainingLoop.Train(model, pairs, config, batchSize, epochs, seed, null, epoch => byEpoch[epoch] = Probabilities(model, pairs, scoreBatch), order,
            cancellationToken);
        var results = new List<TaskDynamics>(tasks.Count);
        var start = 0;
        foreach (var (id, taskPairs) in tasks)
        {
            var confidence = new double[taskPairs.Count];
            var variability = new double[taskPairs.Count];
            for (var i = 0; i < taskPairs.Count; i++)
            {
                var p = byEpoch.Select(e => e[start + i]).ToArray();
                confidence[i] = p.Average();
                variability[i] = Math.Sqrt(p.Sum(x => (x - confidence[i]) * (x - confidence[i])) / p.Length);
            }
            start += taskPairs.Count;
            var median = Median(confidence);
            results.Add(new TaskDynamics(id, confidence.DefaultIfEmpty(double.NaN).Average(), variability.DefaultIfEmpty(double.NaN).Average(),
                confidence.Length == 0 ? double.NaN : (double)confidence.Count(c => c < median / 2) / confidence.Length, confidence.Length));
        }
        return results;
    }

    private static double[] Probabilities(GptModel model, TokenPair[] pairs, int batch)
    {
        var probabilities = new double[pairs.Length];
        for (var start = 0; start < pairs.Length; start += batch)
        {
            var rows = pairs.AsSpan(start, Math.Min(batch, pairs.Length - start)).ToArray();
            var scores = model.Score(SequenceBatch.FromPairs(rows));
            for (var i = 0; i < scores.Length; i++)
            {
                probabilities[start + i] = Math.Exp(scores[i].LogProbSum);
            }
        }
        return probabilities;
    }

    /// <summary>The middle value (the mean of the two middle ones for an even count); NaN for none.</summary>
    public static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
