using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Runs.Scoring;

/// <summary>
/// Features of tasks under one model for the feature strategies (docs/selection.md): per task, its examples' mean-pooled
/// hidden states (averaged) and the gradient of their mean answer loss, count-sketched to <see cref="Dims"/> dimensions.
/// Against a target set (the dev tasks) each task gets its cosine similarity to the target's mean direction, for
/// gradients and for hidden states; those two values are stored in the task grains under <see cref="Key"/> (model,
/// version, feature config and the target's ids), so another strategy or a resumed run under the same model reads them.
/// </summary>
public sealed class FeatureScorer(IGrainFactory grains, GptModel model, string modelId, string modelVersion, int dims, ulong seed,
    Func<InstructionTask, IReadOnlyList<TokenPair>> examples)
{
    public const string GradientSimilarity = "gradient_similarity", HiddenSimilarity = "hidden_similarity";

    public int Dims => dims;

    public sealed record Result(string TaskId, double GradientSimilarity, double HiddenSimilarity, float[]? Hidden, bool Cached);

    /// <summary>The score key for a target set: its task ids are part of the scorer config.</summary>
    public ScoreKey Key(IReadOnlyList<string> targetIds) =>
        new(modelId, modelVersion, $"features-v1:dims={dims},seed={seed},target={TargetHash(targetIds)}");

    /// <summary>
    /// Similarities of <paramref name="tasks"/> to <paramref name="target"/> (read from the task grains where stored), and,
    /// with <paramref name="hidden"/>, every task's hidden-state vector (computed, never stored).
    /// </summary>
    public async Task<IReadOnlyList<Result>> ScoreAsync(IReadOnlyList<(PoolMember Member, InstructionTask Task)> tasks, IReadOnlyList<InstructionTask> target,
        bool hidden, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var key = Key([.. target.Select(t => t.Id)]);
        var targetGradient = target.Count == 0 ? null : FeatureVectors.MeanDirection([.. target.Select(Gradient)]);
        var targetHidden = target.Count == 0 ? null : FeatureVectors.MeanDirection([.. target.Select(MeanHidden)]);
        var results = new List<Result>(tasks.Count);
        foreach (var (member, task) in tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grain = grains.GetGrain<ITaskGrain>(member.ContentHash);
            var vector = hidden ? MeanHidden(task) : null;
            if (target.Count == 0)
            {
                results.Add(new Result(member.TaskId, 0, 0, vector, false));
            }
            else if (await grain.GetScoreAsync(key) is { } cached)
            {
                results.Add(new Result(member.TaskId, cached.Values[GradientSimilarity], cached.Values[HiddenSimilarity], vector, true));
            }
            else
            {
                var g = FeatureVectors.Cosine(Gradient(task), targetGradient!);
                var h = FeatureVectors.Cosine(vector ?? MeanHidden(task), targetHidden!);
                await grain.PutScoreAsync(key, new TaskScore(new Dictionary<string, double> { [GradientSimilarity] = g, [HiddenSimilarity] = h }, DateTimeOffset.UtcNow));
                results.Add(new Result(member.TaskId, g, h, vector, false));
            }
            progress?.Report((results.Count, tasks.Count));
        }
        return results;
    }

    private float[] Gradient(InstructionTask task) => TaskFeatures.GradientSketch(model, SequenceBatch.FromPairs(Examples(task)), dims, seed);

    private float[] MeanHidden(InstructionTask task) =>
        FeatureVectors.MeanDirection(TaskFeatures.MeanHidden(model, [.. Examples(task).Select(p => (int[])[.. p.Prompt, .. p.Target])]));

    private IReadOnlyList<TokenPair> Examples(InstructionTask task) =>
        examples(task) is { Count: > 0 } pairs ? pairs : throw new InvalidOperationException($"task '{task.Id}' has no labelled instances to take features from");

    private static string TargetHash(IReadOnlyList<string> ids) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", ids.Order(StringComparer.Ordinal)))))[..12];
}
