using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Scoring;
using ActiveIT.Runs;
using ActiveIT.Runs.Scoring;
using ActiveIT.Silo.Completions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Scoring runs on this silo: every task of the pool without a cached score for (model version, scorer config) is
/// scored with the served model and its score stored in its task grain at once, so a run resumed elsewhere scores only
/// what is missing.
/// </summary>
public sealed class ScoringExecutor(IGrainFactory grains, ModelRegistry models, IOptions<SiloOptions> options, IOptions<ClusterOptions> cluster) : IRunExecutor
{
    public string Kind => RunKinds.Scoring;

    public async Task<string> ExecuteAsync(string name, string silo, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name));
        var stored = await grain.GetAsync() ?? throw new RunStateException($"no scoring run '{name}'");
        var request = JsonSerializer.Deserialize<ScoringRequest>(stored.Config, RunJson.Options)!;
        var now = DateTimeOffset.UtcNow;
        var lease = RunnerLease.ForThisProcess(now, cluster.Value.ClusterId, silo);
        var info = EngineRuntime.Info;
        await grain.ClaimAsync(lease, new RunSession(lease.Id, now, CurriculumExecutor.CodeVersion, info.TorchVersion,
            options.Value.Device ?? EngineRuntime.DefaultDevice, info.Threads, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription,
            EngineRuntime.DefaultPrecision.Name()));
        var watch = Stopwatch.StartNew();
        try
        {
            var model = models.Get(request.Model) ?? throw new KeyNotFoundException($"the silo serves no model '{request.Model}'");
            var scorer = new PoolScorer(grains, new LocalEngineBackend(model, request.Model, models.Version(request.Model)),
                new ScorerConfig(request.Instances, request.Perturbations, request.Drop, request.Seed, request.MaxNewTokens));
            // Progress is stored at most twice a second: cached tasks finish by the hundred.
            var reported = Stopwatch.StartNew();
            Task reporting = Task.CompletedTask;
            var progress = new SyncProgress<(int Done, int Total)>(p =>
            {
                if (reporting.IsCompleted && (reported.ElapsedMilliseconds >= 500 || p.Done == p.Total))
                {
                    reported.Restart();
                    reporting = grain.ReportAsync(lease.Id, new RunProgress(p.Done, p.Total, "score", DateTimeOffset.UtcNow));
                }
            });
            var results = await scorer.ScoreAsync(request.Pool, progress, cancellationToken);
            await reporting;
            var result = new ScoringResult(scorer.Key.ToString(), results.Count, results.Count(r => !r.Cached), results.Count(r => r.Cached),
                [.. results.Where(r => !r.Cached).Select(r => r.TaskId)]);
            await grain.FinishAsync(lease.Id, RunStatus.Completed, JsonSerializer.Serialize(result, RunJson.Options), null, watch.Elapsed.TotalSeconds);
            return RunStatus.Completed.ToString();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await grain.FinishAsync(lease.Id, RunStatus.Failed, null, e.Message, watch.Elapsed.TotalSeconds);
            return RunStatus.Failed.ToString();
        }
    }

    public async Task RequeueAsync(string name) => await grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name)).QueueAsync();
}
