using System.Diagnostics;
using System.Text.Json;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Executes runs kept in the generic <see cref="IRunGrain"/>: claims the run, reads its config, runs the kind's work
/// with a progress reporter (stored at most twice a second, renewing the lease), and stores its result or error.
/// </summary>
public abstract class GenericExecutor<TConfig>(IGrainFactory grains, RunSessions sessions) : IRunExecutor
{
    public abstract string Kind { get; }

    /// <summary>The kind's work; its result is stored as the run's result (JSON).</summary>
    protected abstract Task<object> RunAsync(TConfig config, IProgress<RunProgress> progress, CancellationToken cancellationToken);

    public async Task<string> ExecuteAsync(string name, string silo, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name));
        var stored = await grain.GetAsync() ?? throw new RunStateException($"no {Kind} run '{name}'");
        var config = JsonSerializer.Deserialize<TConfig>(stored.Config, RunJson.Options)!;
        var (lease, session) = sessions.Start(silo);
        await grain.ClaimAsync(lease, session);
        var watch = Stopwatch.StartNew();
        var reported = Stopwatch.StartNew();
        var reporting = Task.CompletedTask;
        var progress = new ActiveIT.Runs.SyncProgress<RunProgress>(p =>
        {
            if (reporting.IsCompleted && (reported.ElapsedMilliseconds >= 500 || p.Done == p.Total))
            {
                reported.Restart();
                reporting = grain.ReportAsync(lease.Id, p);
            }
        });
        try
        {
            var result = await RunAsync(config, progress, cancellationToken);
            await reporting;
            await grain.FinishAsync(lease.Id, RunStatus.Completed, JsonSerializer.Serialize(result, RunJson.Options), null, watch.Elapsed.TotalSeconds);
            return RunStatus.Completed.ToString();
        }
        catch (OperationCanceledException)
        {
            // A user's cancel (kept as it is), a shutdown or a lost claim: the run is let go, so a later start can claim it.
            await grain.FinishAsync(lease.Id, RunStatus.Paused, null, null, watch.Elapsed.TotalSeconds);
            throw;
        }
        catch (Exception e)
        {
            await grain.FinishAsync(lease.Id, RunStatus.Failed, null, e.Message, watch.Elapsed.TotalSeconds);
            return RunStatus.Failed.ToString();
        }
    }

    public async Task RequeueAsync(string name) => await grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name)).QueueAsync();
}
