using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Scoring;
using ActiveIT.Runs;
using ActiveIT.Runs.Scoring;
using ActiveIT.Silo.Completions;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Scoring runs on this silo: every task of the pool without a cached score for (model version, scorer config) is
/// scored with the served model and its score stored in its task grain at once, so a run resumed elsewhere scores only
/// what is missing.
/// </summary>
public sealed class ScoringExecutor(IGrainFactory grains, RunSessions sessions, ModelRegistry models) : GenericExecutor<ScoringRequest>(grains, sessions)
{
    private readonly IGrainFactory _grains = grains;

    public override string Kind => RunKinds.Scoring;

    protected override async Task<object> RunAsync(ScoringRequest request, RunContext run, CancellationToken cancellationToken)
    {
        var model = models.Get(request.Model) ?? throw new KeyNotFoundException($"the silo serves no model '{request.Model}'");
        var scorer = new PoolScorer(_grains, new LocalEngineBackend(model, request.Model, models.Version(request.Model)),
            new ScorerConfig(request.Instances, request.Perturbations, request.Drop, request.Seed, request.MaxNewTokens));
        var members = await _grains.GetGrain<ITaskPoolGrain>(request.Pool).ListAllAsync(request.PoolVersion);
        var results = await scorer.ScoreAsync(request.Pool, members,
            new SyncProgress<(int Done, int Total)>(p => run.Progress.Report(new RunProgress(p.Done, p.Total, "score", DateTimeOffset.UtcNow))), cancellationToken);
        return new ScoringResult(scorer.Key.ToString(), results.Count, results.Count(r => !r.Cached), results.Count(r => r.Cached),
            [.. results.Where(r => !r.Cached).Select(r => r.TaskId)], request.PoolVersion, TaskPoolGrainExtensions.Digest(members));
    }
}
