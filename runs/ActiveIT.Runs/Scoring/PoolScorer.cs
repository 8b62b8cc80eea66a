using ActiveIT.Core.Tasks;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Runs.Scoring;

/// <summary>
/// Scores every task of a pool that has no score yet for this model version and scorer config, <paramref name="tasksPerCall"/>
/// tasks to an engine request (docs/scoring.md: one task a request leaves the engine waiting on greedy decoding). Each
/// score is stored in its task grain as soon as its request returns, so a cancelled or killed run resumes where it
/// stopped, losing at most one request's work.
/// </summary>
public sealed class PoolScorer(IGrainFactory grains, IModelBackend backend, ScorerConfig config, int tasksPerCall = PoolScorer.DefaultTasksPerCall)
{
    public const string PromptUncertainty = "prompt_uncertainty", PredictionProbability = "prediction_probability", Perplexity = "perplexity",
        LabelLoss = "label_loss", Ifd = "ifd";

    /// <summary>Tasks scored together (`activeit bench scoring` measures the share of the engine's raw rate per size).</summary>
    public const int DefaultTasksPerCall = 16;

    public ScoreKey Key { get; } = new(backend.ModelId, backend.ModelVersion, config.ToString());

    /// <summary>Scores (or reads from cache) every member of a version (the head when null); reports (done, total) as tasks finish.</summary>
    public async Task<IReadOnlyList<PoolScoreResult>> ScoreAsync(string pool, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default,
        long? poolVersion = null) =>
        await ScoreAsync(pool, await grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync(poolVersion), progress, cancellationToken);

    /// <summary>Scores (or reads from cache) the given members of a pool, in their order: what a curriculum round needs.</summary>
    public async Task<IReadOnlyList<PoolScoreResult>> ScoreAsync(string pool, IReadOnlyList<PoolMember> members, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (tasksPerCall < 1)
        {
            throw new ArgumentException($"tasks per call {tasksPerCall}: at least 1");
        }
        using var span = RunTelemetry.StartScoring(pool, Key.ToString(), members.Count);
        var scorer = new PromptUncertaintyScorer(backend, config);
        var results = new PoolScoreResult?[members.Count];
        var done = 0;
        var pending = new List<(int Index, string TaskId, ITaskGrain Grain, InstructionTask Task)>(tasksPerCall);

        async Task ScorePendingAsync()
        {
            var scores = await scorer.ScoreManyAsync([.. pending.Select(p => p.Task)], cancellationToken);
            RunTelemetry.TasksScored.Add(pending.Count);
            for (var k = 0; k < pending.Count; k++)
            {
                var values = new Dictionary<string, double>
                {
                    [PromptUncertainty] = scores[k].PromptUncertainty, [PredictionProbability] = scores[k].PredictionProbability, [Perplexity] = scores[k].Perplexity,
                };
                if (scores[k].Labels is { } labels)
                {
                    (values[LabelLoss], values[Ifd]) = (labels.LabelLoss, labels.Ifd);
                }
                var score = new TaskScore(values, DateTimeOffset.UtcNow);
                await pending[k].Grain.PutScoreAsync(Key, score);
                results[pending[k].Index] = ToResult(pending[k].TaskId, score, cached: false);
                progress?.Report((++done, members.Count));
            }
            pending.Clear();
        }

        for (var i = 0; i < members.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var member = members[i];
            var grain = grains.GetGrain<ITaskGrain>(member.ContentHash);
            if (await grain.GetScoreAsync(Key) is { } cached)
            {
                results[i] = ToResult(member.TaskId, cached, cached: true);
                progress?.Report((++done, members.Count));
            }
            else if (member.Instances > 0)
            {
                var task = await grain.GetAsync() ?? throw new InvalidOperationException($"pool '{pool}': task '{member.TaskId}' has no stored content");
                pending.Add((i, member.TaskId, grain, task));
                if (pending.Count == tasksPerCall)
                {
                    await ScorePendingAsync();
                }
            }
            else
            {
                progress?.Report((++done, members.Count));
            }
        }
        if (pending.Count > 0)
        {
            await ScorePendingAsync();
        }
        if (results.Any(r => r is not null))
        {
            await Catalog.NoteAsync(grains, c => c.AddScoreKeyAsync(pool, Key));
        }
        return [.. results.OfType<PoolScoreResult>()];
    }

    /// <summary>The cached scores only (no model calls): what the task map is drawn from.</summary>
    public Task<IReadOnlyList<PoolScoreResult>> CachedAsync(string pool, long? poolVersion = null) => CachedAsync(grains, pool, Key, poolVersion);

    /// <summary>The cached scores under <paramref name="key"/> (one the catalog lists, say).</summary>
    public static async Task<IReadOnlyList<PoolScoreResult>> CachedAsync(IGrainFactory grains, string pool, ScoreKey key, long? poolVersion = null)
    {
        var results = new List<PoolScoreResult>();
        foreach (var member in await grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync(poolVersion))
        {
            if (await grains.GetGrain<ITaskGrain>(member.ContentHash).GetScoreAsync(key) is { } score)
            {
                results.Add(ToResult(member.TaskId, score, cached: true));
            }
        }
        return results;
    }

    private static PoolScoreResult ToResult(string taskId, TaskScore score, bool cached) =>
        new(taskId, score.Values[PromptUncertainty], score.Values[PredictionProbability], score.Values[Perplexity], cached,
            score.Values.TryGetValue(LabelLoss, out var loss) ? loss : null, score.Values.TryGetValue(Ifd, out var ifd) ? ifd : null);
}
