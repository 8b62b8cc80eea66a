using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Scoring;

/// <summary>
/// Scores every task of a pool that has no score yet for this model version and scorer config. Each score is stored
/// in its task grain as soon as it is computed, so a cancelled or killed run resumes where it stopped.
/// </summary>
public sealed class PoolScorer(IGrainFactory grains, IModelBackend backend, ScorerConfig config)
{
    public const string PromptUncertainty = "prompt_uncertainty", PredictionProbability = "prediction_probability", Perplexity = "perplexity";

    public ScoreKey Key { get; } = new(backend.ModelId, backend.ModelVersion, config.ToString());

    /// <summary>Scores (or reads from cache) every member; reports (done, total) after each task.</summary>
    public async Task<IReadOnlyList<PoolScoreResult>> ScoreAsync(string pool, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default) =>
        await ScoreAsync(pool, await grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync(), progress, cancellationToken);

    /// <summary>Scores (or reads from cache) the given members of a pool, in their order: what a curriculum round needs.</summary>
    public async Task<IReadOnlyList<PoolScoreResult>> ScoreAsync(string pool, IReadOnlyList<PoolMember> members, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var scorer = new PromptUncertaintyScorer(backend, config);
        var results = new List<PoolScoreResult>(members.Count);
        foreach (var member in members)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grain = grains.GetGrain<ITaskGrain>(member.ContentHash);
            if (await grain.GetScoreAsync(Key) is { } cached)
            {
                results.Add(ToResult(member.TaskId, cached, cached: true));
            }
            else if (member.Instances > 0)
            {
                var task = await grain.GetAsync() ?? throw new InvalidOperationException($"pool '{pool}': task '{member.TaskId}' has no stored content");
                var scores = await scorer.ScoreAsync(task, cancellationToken);
                var score = new TaskScore(new Dictionary<string, double>
                {
                    [PromptUncertainty] = scores.PromptUncertainty, [PredictionProbability] = scores.PredictionProbability, [Perplexity] = scores.Perplexity,
                }, DateTimeOffset.UtcNow);
                await grain.PutScoreAsync(Key, score);
                results.Add(ToResult(member.TaskId, score, cached: false));
            }
            progress?.Report((results.Count, members.Count));
        }
        return results;
    }

    /// <summary>The cached scores only (no model calls): what the task map is drawn from.</summary>
    public async Task<IReadOnlyList<PoolScoreResult>> CachedAsync(string pool)
    {
        var results = new List<PoolScoreResult>();
        foreach (var member in await grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync())
        {
            if (await grains.GetGrain<ITaskGrain>(member.ContentHash).GetScoreAsync(Key) is { } score)
            {
                results.Add(ToResult(member.TaskId, score, cached: true));
            }
        }
        return results;
    }

    private static PoolScoreResult ToResult(string taskId, TaskScore score, bool cached) =>
        new(taskId, score.Values[PromptUncertainty], score.Values[PredictionProbability], score.Values[Perplexity], cached);
}
