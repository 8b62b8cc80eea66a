using ActiveIT.Core;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine.Backends;

namespace ActiveIT.Engine.Scoring;

/// <summary>
/// Perplexity-based denoising (methods.md §2): a candidate, applied to its task, is scored by the token-weighted mean
/// cross-entropy of m reference outputs under its prompt — NIV2: definition + positive examples + instance input;
/// FLAN: the instance rendered by its template, then "Output: ". Every candidate of a task is scored on the same m
/// instances (drawn with the config's seed from the task's id), so scores rank candidates within a task; they say
/// nothing across tasks. Lower is better. <see cref="DenoiseAggregation.UitBatchMeans"/> scores the original code's way
/// instead (outputs without EOS, the mean of per-batch means), for comparison.
/// </summary>
public static class CandidateScorer
{
    public static async Task<double> ScoreAsync(IModelBackend backend, InstructionTask transferred, DenoiseConfig config, CancellationToken cancellationToken = default)
    {
        var pairs = Pairs(transferred, config);
        if (pairs.Count == 0)
        {
            throw new ArgumentException($"task '{transferred.Id}' has no instance with a reference output to score candidates on");
        }
        var scores = config.Aggregation == DenoiseAggregation.UitBatchMeans
            ? await backend.ScoreWithoutEndAsync(pairs, cancellationToken)
            : await backend.ScoreAsync(pairs, cancellationToken);
        return Aggregate(scores, config.Aggregation);
    }

    /// <summary>
    /// One score from per-instance scores, in the order the instances were drawn. Token-weighted: total cross-entropy
    /// over total tokens. Batch means: per batch of <see cref="DenoiseConfig.UitBatch"/>, the batch's token-weighted
    /// mean, then the plain mean of those — so a short last batch, or a batch of short outputs, weighs as much as a
    /// full one, and the two can rank candidates differently.
    /// </summary>
    public static double Aggregate(IReadOnlyList<SequenceScore> scores, DenoiseAggregation aggregation)
    {
        static double Mean(IEnumerable<SequenceScore> part)
        {
            var list = part.ToArray();
            var tokens = list.Sum(s => s.TokenCount);
            return tokens == 0 ? double.PositiveInfinity : -list.Sum(s => s.LogProbSum) / tokens;
        }
        return aggregation == DenoiseAggregation.UitBatchMeans && scores.Count > 0
            ? scores.Chunk(DenoiseConfig.UitBatch).Average(Mean)
            : Mean(scores);
    }

    public static IReadOnlyList<(string Prompt, string Target)> Pairs(InstructionTask transferred, DenoiseConfig config)
    {
        var usable = transferred.Instances.Where(i => i.Outputs.Count > 0).ToArray();
        var random = SeededRandom.For(config.Seed, $"denoise/{transferred.Id}");
        var order = Enumerable.Range(0, usable.Length).ToArray();
        random.Shuffle(order);
        return [.. order.Take(config.Instances).Order().Select(i => (Prompt(transferred, usable[i].Input, config.Examples), usable[i].Outputs[0]))];
    }

    public static string Prompt(InstructionTask transferred, string instanceInput, int examples) => transferred.Format == TaskFormat.Flan
        ? $"{instanceInput.Trim()}\nOutput: "
        : Niv2Prompt.Render(transferred, instanceInput, examples);
}
