using System.Diagnostics;
using System.Text.Json;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Executes runs kept in the generic <see cref="IRunGrain"/>: claims the run, reads its config, runs the kind's work
/// with a <see cref="RunContext"/> (progress stored at most twice a second, renewing the lease; the steps finished
/// before), and stores its result or error. A write the grain refuses (the run was cancelled, or another runner took
/// it over) stops the work.
/// </summary>
public abstract class GenericExecutor<TConfig>(IGrainFactory grains, RunSessions sessions) : IRunExecutor
{
    public abstract string Kind { get; }

    /// <summary>The kind's work; its result is stored as the run's result (JSON).</summary>
    protected abstract Task<object> RunAsync(TConfig config, RunContext run, CancellationToken cancellationToken);

    public async Task<string> ExecuteAsync(string name, string silo, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name));
        var stored = await grain.GetAsync() ?? throw new RunStateException($"no {Kind} run '{name}'");
        var config = JsonSerializer.Deserialize<TConfig>(stored.Config, RunJson.Options)!;
        var (lease, session) = sessions.Start(silo);
        var claimed = await ClusterFaults.ClaimAsync(() => grain.ClaimAsync(lease, session), () => grain.FinishAsync(lease.Id, RunStatus.Paused, null, null, 0));
        using var refused = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = Stopwatch.StartNew();
        var reported = Stopwatch.StartNew();
        var reporting = Task.CompletedTask;
        var progress = new ActiveIT.Runs.SyncProgress<RunProgress>(p =>
        {
            // At most twice a second; the last step always, after a report still on its way, so a finished run never shows an older one.
            var last = p.Done == p.Total;
            if (last || (reporting.IsCompleted && reported.ElapsedMilliseconds >= 500))
            {
                reported.Restart();
                var before = reporting;
                reporting = RunContext.StopIfRefusedAsync(ReportAfterAsync(before, grain, lease.Id, p), refused);
            }
        });
        try
        {
            var result = await RunAsync(config, new RunContext(grain, lease.Id, claimed.Steps, progress, refused), refused.Token);
            await reporting;
            await grain.FinishAsync(lease.Id, RunStatus.Completed, JsonSerializer.Serialize(result, RunJson.Options), null, watch.Elapsed.TotalSeconds);
            return RunStatus.Completed.ToString();
        }
        catch (OperationCanceledException)
        {
            // A user's cancel (kept as it is), a shutdown or a lost claim: the run is let go, so a later start can claim it.
            var seconds = watch.Elapsed.TotalSeconds;
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Paused, null, null, seconds), ClusterFaults.RecoveryBudget);
            throw;
        }
        catch (Exception e) when (ClusterFaults.IsTransient(e))
        {
            // The cluster's fault, not the run's: paused (if the grain can be reached) and handed back to the worker to queue again.
            var seconds = watch.Elapsed.TotalSeconds;
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Paused, null, null, seconds), ClusterFaults.RecoveryBudget);
            throw;
        }
        catch (Exception e)
        {
            // Retried like a pause: a failure left unrecorded would leave the run held by this live silo's lease.
            var seconds = watch.Elapsed.TotalSeconds;
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Failed, null, e.Message, seconds), ClusterFaults.RecoveryBudget);
            return RunStatus.Failed.ToString();
        }
        finally
        {
            // A report still on its way must not outlive the token it may cancel.
            await reporting.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task ReportAfterAsync(Task before, IRunGrain grain, string runnerId, RunProgress progress)
    {
        await before;
        await grain.ReportAsync(runnerId, progress);
    }

    public async Task RequeueAsync(string name) => await grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name)).QueueAsync();
}
