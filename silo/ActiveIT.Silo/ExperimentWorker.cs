using System.Reflection;
using System.Threading.Channels;
using ActiveIT.Engine;
using ActiveIT.Grains;
using ActiveIT.Grains.Curriculum;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo;

/// <summary>
/// Runs started experiments in the background, at most <see cref="SiloOptions.MaxConcurrentExperiments"/> at a time.
/// On start it picks up experiments left queued or running (a silo killed mid-round resumes them from the last
/// finished step); on shutdown it pauses its runs and queues them again for the next start.
/// </summary>
public sealed class ExperimentWorker(IGrainFactory grains, IExperimentService experiments, IOptions<SiloOptions> options, ILogger<ExperimentWorker> logger)
    : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentExperiments));

    public static string ExperimentsDir(SiloOptions options) => Path.Combine(options.DataDir, "experiments");

    public void Enqueue(string name) => _queue.Writer.TryWrite(name);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.EngineThreads is { } threads)
        {
            EngineRuntime.SetThreads(threads);
        }
        foreach (var e in await experiments.ListAsync(stoppingToken))
        {
            if (e.Status is ExperimentStatus.Queued || (e.Status is ExperimentStatus.Running && (e.Runner?.IsStale(DateTimeOffset.UtcNow) ?? true)))
            {
                logger.LogInformation("resuming experiment {Name} ({Status})", e.Name, e.Status);
                Enqueue(e.Name);
            }
        }
        var runs = new List<Task>();
        try
        {
            await foreach (var name in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await _slots.WaitAsync(stoppingToken);
                runs.RemoveAll(t => t.IsCompleted);
                runs.Add(Task.Run(() => RunAsync(name, stoppingToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the runs below pause themselves
        }
        await Task.WhenAll(runs);
    }

    private async Task RunAsync(string name, CancellationToken stoppingToken)
    {
        try
        {
            var device = options.Value.Device ?? EngineRuntime.DefaultDevice;
            var version = typeof(ExperimentWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            var done = await new CurriculumRunner(grains, ExperimentsDir(options.Value), device, version).RunAsync(name, cancellationToken: stoppingToken);
            logger.LogInformation("experiment {Name}: {Status}", name, done.Status);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await experiments.StartAsync(name, CancellationToken.None);  // paused by the shutdown: queue it for the next start
            logger.LogInformation("experiment {Name}: paused by shutdown, queued for the next start", name);
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
            _slots.Release();
        }
    }
}
