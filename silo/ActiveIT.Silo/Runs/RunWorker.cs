using ActiveIT.Grains.Runs;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// This silo's share of the cluster's runs, of every kind. With a free slot (<see cref="SiloOptions.MaxConcurrentExperiments"/>)
/// it claims the next run from the cluster's <see cref="IRunQueueGrain"/> and hands it to the <see cref="IRunExecutor"/>
/// of its kind, outside any grain turn (a round or a transfer lasts minutes; grain calls stay short: the executor
/// records each finished step in the run's grain). While a run goes on, its claim is renewed; a claim this silo
/// stopped renewing expires and goes to another silo. The queue tells the worker of new work through an observer;
/// when membership declares a silo dead, the worker asks the queue to return that silo's claims. On shutdown its runs
/// pause and go back to the queue.
/// </summary>
public sealed class RunWorker(IGrainFactory grains, IEnumerable<IRunExecutor> executors, ILocalSiloDetails silo, IClusterMembershipService membership,
    IOptions<SiloOptions> options, IOptions<RunQueueOptions> queueOptions, ILogger<RunWorker> logger) : BackgroundService, IRunWorkerObserver
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentExperiments));
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, IRunExecutor> _executors = executors.ToDictionary(e => e.Kind);
    private readonly string _self = silo.SiloAddress.ToParsableString();
    private IRunQueueGrain Queue => grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key);

    /// <summary>Queues a started run for whichever silo of the cluster has a free slot.</summary>
    public Task EnqueueAsync(string kind, string name) => Queue.EnqueueAsync(RunKinds.Id(kind, name));

    public void WorkAvailable() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = grains.CreateObjectReference<IRunWorkerObserver>(this);
        var subscription = KeepSubscribedAsync(self, stoppingToken);
        var deaths = WatchMembershipAsync(stoppingToken);
        var runs = new List<Task>();
        try
        {
            while (true)
            {
                await _slots.WaitAsync(stoppingToken);
                string? id;
                try
                {
                    id = await Queue.ClaimAsync(_self);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The queue grain's silo may have just died, or storage hiccupped: try again shortly, this silo stays up.
                    _slots.Release();
                    logger.LogWarning(e, "claiming from the run queue failed; retrying");
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    continue;
                }
                if (id is null)
                {
                    _slots.Release();
                    await _wake.Reader.ReadAsync(stoppingToken);
                    continue;
                }
                runs.RemoveAll(t => t.IsCompleted);
                runs.Add(Task.Run(() => RunAsync(id, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the runs below pause themselves and go back to the queue
        }
        await Task.WhenAll(runs);
        await Task.WhenAll(subscription, deaths).ContinueWith(_ => { }, TaskScheduler.Default);
        grains.DeleteObjectReference<IRunWorkerObserver>(self);
    }

    /// <summary>Observer subscriptions expire; renewing them also wakes this worker, in case a notice was missed.</summary>
    private async Task KeepSubscribedAsync(IRunWorkerObserver self, CancellationToken stoppingToken)
    {
        var renew = IRunQueueGrain.SubscriptionLifetime / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Queue.SubscribeAsync(self);
                WorkAvailable();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "subscribing to the run queue failed; retrying");
                renew = TimeSpan.FromSeconds(5);
            }
            await Task.Delay(renew, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            renew = IRunQueueGrain.SubscriptionLifetime / 3;
        }
    }

    /// <summary>When membership declares a silo dead, its runs go back to the queue at once (the queue's reminder is the backstop).</summary>
    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var newlyDead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)).ToList();
                if (newlyDead.Count > 0)
                {
                    logger.LogInformation("silo(s) {Silos} declared dead: recovering their runs", string.Join(", ", newlyDead.Select(m => m.SiloAddress)));
                    await Queue.RecoverAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Renews the claim while the run goes on; when the claim is no longer this silo's, the run stops.</summary>
    private async Task KeepClaimAsync(string id, CancellationTokenSource run)
    {
        var every = queueOptions.Value.ClaimTimeout / 4;
        while (!run.IsCancellationRequested)
        {
            await Task.Delay(every, run.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            if (run.IsCancellationRequested)
            {
                return;
            }
            try
            {
                if (!await Queue.RenewAsync(id, _self))
                {
                    logger.LogWarning("run {Run}: the claim of {Silo} was handed on; stopping here", id, _self);
                    await run.CancelAsync();
                    return;
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "run {Run}: renewing its claim failed; trying again", id);
            }
        }
    }

    private async Task RunAsync(string id, CancellationToken stoppingToken)
    {
        var requeue = false;
        var (kind, name) = RunKinds.Parse(id);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var claim = KeepClaimAsync(id, run);
        try
        {
            var executor = _executors.GetValueOrDefault(kind) ?? throw new InvalidOperationException($"no executor for runs of kind '{kind}'");
            ActiveIT.Runs.RunTelemetry.RunStarted(kind);
            var status = await executor.ExecuteAsync(name, _self, run.Token);
            ActiveIT.Runs.RunTelemetry.RunEnded(kind, status.ToLowerInvariant());
            logger.LogInformation("run {Run}: {Status} on {Silo}", id, status, _self);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            ActiveIT.Runs.RunTelemetry.RunEnded(kind, "cancelled");
            await _executors[kind].RequeueAsync(name);  // paused by the shutdown: queued for another silo or the next start
            requeue = true;
            logger.LogInformation("run {Run}: paused by shutdown, queued again", id);
        }
        catch (Exception e) when (ClusterFaults.IsTransient(e) && !stoppingToken.IsCancellationRequested)
        {
            // A silo died under one of the run's calls: not the run's fault. Once membership has caught up (seconds), queue it
            // again; it resumes from its stored steps, here or on another silo.
            ActiveIT.Runs.RunTelemetry.RunEnded(kind, "interrupted");
            logger.LogWarning(e, "run {Run}: interrupted by the cluster; queued again", id);
            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            try
            {
                requeue = await ClusterFaults.RetryAsync(() => _executors[kind].RequeueAsync(name), ClusterFaults.RecoveryBudget, stoppingToken);
                if (!requeue)
                {
                    logger.LogWarning("run {Run}: the cluster did not recover in {Budget}; it waits for a start", id, ClusterFaults.RecoveryBudget);
                }
            }
            catch (Exception again)
            {
                logger.LogWarning(again, "run {Run}: queueing it again failed; it waits for a start", id);
            }
        }
        catch (OperationCanceledException e)
        {
            ActiveIT.Runs.RunTelemetry.RunEnded(kind, "cancelled");
            logger.LogInformation("run {Run}: {Message}", id, e.Message);
        }
        catch (RunStateException e)
        {
            logger.LogWarning("run {Run} not run: {Message}", id, e.Message);
        }
        catch (Exception e)
        {
            ActiveIT.Runs.RunTelemetry.RunEnded(kind, "failed");
            logger.LogError(e, "run {Run} failed", id);
        }
        finally
        {
            await run.CancelAsync();
            await claim;
            try
            {
                await Queue.ReleaseAsync(id, _self, requeue);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "run {Run}: releasing its claim failed (the queue recovers it when this silo goes)", id);
            }
            _slots.Release();
            WorkAvailable();
        }
    }
}
