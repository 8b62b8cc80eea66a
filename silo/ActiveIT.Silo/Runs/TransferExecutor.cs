using System.Text.Json;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Transfer runs on this silo: claims the run's grain under a lease, then runs the stored request. Candidates already
/// stored are never asked for again, so a run resumed on another silo sends only what is missing.
/// </summary>
public sealed class TransferExecutor(IGrainFactory grains, SiloTransferBackends backends, RunSessions sessions, ILogger<TransferExecutor> logger) : IRunExecutor
{
    public string Kind => RunKinds.Transfer;

    public async Task<string> ExecuteAsync(string name, string silo, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ITransferRunGrain>(name);
        var stored = await grain.GetAsync();
        var request = JsonSerializer.Deserialize<TransferRequest>(stored.Request ?? throw new RunStateException($"transfer '{name}' has no stored request"),
            RunJson.Options)!;
        var (lease, session) = sessions.Start(silo);
        await ClusterFaults.ClaimAsync(async () => { await grain.ClaimAsync(lease, session); return true; }, () => grain.FinishAsync(lease.Id, RunStatus.Paused, null, 0));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var done = await backends.Runner(grains, request).RunAsync(request.Pool, request.OutPool, null, cancellationToken, lease.Id, request.PoolVersion);
            return done.Status.ToString();
        }
        catch (OperationCanceledException)
        {
            // A user's cancel (kept as it is), a shutdown or a lost claim: the run is let go, so a later start can claim it.
            var seconds = watch.Elapsed.TotalSeconds;
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Paused, null, seconds), ClusterFaults.RecoveryBudget);
            throw;
        }
        catch (Exception e) when (ClusterFaults.IsTransient(e))
        {
            var seconds = watch.Elapsed.TotalSeconds;
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Paused, null, seconds), ClusterFaults.RecoveryBudget);
            throw;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "transfer {Name} failed", name);
            var seconds = watch.Elapsed.TotalSeconds;
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Failed, e.Message, seconds), ClusterFaults.RecoveryBudget);
            return RunStatus.Failed.ToString();
        }
    }

    public async Task RequeueAsync(string name) => await grains.GetGrain<ITransferRunGrain>(name).QueueAsync();
}
