using ActiveIT.Runs.Curriculum;
using System.Reflection;
using System.Threading.Channels;
using ActiveIT.Engine;
using ActiveIT.Grains.Curriculum;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ActiveIT.Silo;

/// <summary>
/// This silo's share of the cluster's experiments. With a free slot (<see cref="SiloOptions.MaxConcurrentExperiments"/>)
/// it claims the next experiment from the cluster's <see cref="IExperimentQueueGrain"/> and runs it here, outside any
/// grain turn (a round lasts minutes; grain calls stay short: the runner records each finished step in the curriculum
/// grain). The queue tells it of new work through an observer; when membership declares a silo dead, it asks the queue
/// to return that silo's claims, so a survivor resumes them. On shutdown its runs pause and go back to the queue.
/// </summary>
public sealed class ExperimentWorker(IGrainFactory grains, IExperimentService experiments, ILocalSiloDetails silo, IClusterMembershipService membership,
    IOptions<SiloOptions> options, IOptions<ClusterOptions> cluster, ILogger<ExperimentWorker> logger) : BackgroundService, IExperimentWorkerObserver
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentExperiments));
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _self = silo.SiloAddress.ToParsableString();
    private IExperimentQueueGrain Queue => grains.GetGrain<IExperimentQueueGrain>(IExperimentQueueGrain.Key);

    public static string ExperimentsDir(SiloOptions options) => Path.Combine(options.DataDir, "experiments");

    /// <summary>Queues a started experiment for whichever silo of the cluster has a free slot.</summary>
    public Task EnqueueAsync(string name) => Queue.EnqueueAsync(name);

    public void WorkAvailable() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.EngineThreads is { } threads)
        {
            EngineRuntime.SetThreads(threads);
        }
        EngineRuntime.DefaultPrecision = PrecisionNames.Parse(options.Value.Precision);
        var self = grains.CreateObjectReference<IExperimentWorkerObserver>(this);
        var subscription = KeepSubscribedAsync(self, stoppingToken);
        var deaths = WatchMembershipAsync(stoppingToken);
        var runs = new List<Task>();
        try
        {
            while (true)
            {
                await _slots.WaitAsync(stoppingToken);
                string? name;
                try
                {
                    name = await Queue.ClaimAsync(_self);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The queue grain's silo may have just died, or storage hiccupped: try again shortly, this silo stays up.
                    _slots.Release();
                    logger.LogWarning(e, "claiming from the experiment queue failed; retrying");
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    continue;
                }
                if (name is null)
                {
                    _slots.Release();
                    await _wake.Reader.ReadAsync(stoppingToken);
                    continue;
                }
                runs.RemoveAll(t => t.IsCompleted);
                runs.Add(Task.Run(() => RunAsync(name, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the runs below pause themselves and go back to the queue
        }
        await Task.WhenAll(runs);
        await Task.WhenAll(subscription, deaths).ContinueWith(_ => { }, TaskScheduler.Default);
        grains.DeleteObjectReference<IExperimentWorkerObserver>(self);
    }

    /// <summary>Observer subscriptions expire; renewing them also wakes this worker, in case a notice was missed.</summary>
    private async Task KeepSubscribedAsync(IExperimentWorkerObserver self, CancellationToken stoppingToken)
    {
        var renew = IExperimentQueueGrain.SubscriptionLifetime / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Queue.SubscribeAsync(self);
                WorkAvailable();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "subscribing to the experiment queue failed; retrying");
                renew = TimeSpan.FromSeconds(5);
            }
            await Task.Delay(renew, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            renew = IExperimentQueueGrain.SubscriptionLifetime / 3;
        }
    }

    /// <summary>When membership declares a silo dead, its experiments go back to the queue at once (the queue's reminder is the backstop).</summary>
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
                    logger.LogInformation("silo(s) {Silos} declared dead: recovering their experiments", string.Join(", ", newlyDead.Select(m => m.SiloAddress)));
                    await Queue.RecoverAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(string name, CancellationToken stoppingToken)
    {
        var requeue = false;
        try
        {
            var device = options.Value.Device ?? EngineRuntime.DefaultDevice;
            var version = typeof(ExperimentWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            var runner = new CurriculumRunner(grains, ExperimentsDir(options.Value), device, version) { Silo = (cluster.Value.ClusterId, _self), FromQueue = true };
            var done = await runner.RunAsync(name, cancellationToken: stoppingToken);
            logger.LogInformation("experiment {Name}: {Status} on {Silo}", name, done.Status, _self);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await experiments.StartAsync(name, CancellationToken.None);  // paused by the shutdown: queued for another silo or the next start
            requeue = true;
            logger.LogInformation("experiment {Name}: paused by shutdown, queued again", name);
        }
        catch (OperationCanceledException e)
        {
            logger.LogInformation("experiment {Name}: {Message}", name, e.Message);
        }
        catch (ExperimentStateException e)
        {
            logger.LogWarning("experiment {Name} not run: {Message}", name, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "experiment {Name} failed", name);
        }
        finally
        {
            try
            {
                await Queue.ReleaseAsync(name, _self, requeue);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "experiment {Name}: releasing its claim failed (the queue recovers it when this silo goes)", name);
            }
            _slots.Release();
            WorkAvailable();
        }
    }
}
