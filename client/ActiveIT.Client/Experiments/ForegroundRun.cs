using ActiveIT.Grains.Runs;
using ActiveIT.Runs;
using ActiveIT.Runs.Curriculum;
using ActiveIT.Grains;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>Runs an experiment of the local silo in this process while a watcher prints its rounds and progress; Ctrl+C pauses it.</summary>
internal static class ForegroundRun
{
    /// <summary>The experiment when it completed (or, with <paramref name="seedLimit"/>, finished its first seeds), or null (the
    /// reason is printed) when it was paused, cancelled or failed.</summary>
    public static async Task<Experiment?> RunAsync(IExperimentService service, IGrainFactory grains, string experimentsDir, string device, string name,
        ExperimentWatcher watcher, CancellationToken cancellationToken, int? seedLimit = null)
    {
        var runner = new CurriculumRunner(grains, experimentsDir, device, RunEnvironment.Version) { SeedLimit = seedLimit };
        ExperimentProgress? latest = null;
        var run = runner.RunAsync(name, new SyncProgress<ExperimentProgress>(p => latest = p), cancellationToken);
        await watcher.WatchAsync(name, run, () => latest, CancellationToken.None);
        try
        {
            var experiment = await run;
            watcher.PrintNewRounds(experiment);
            return experiment;
        }
        catch (OperationCanceledException e)
        {
            var experiment = (await service.GetAsync(name, CancellationToken.None))!;
            Console.Error.WriteLine(experiment.Status == RunStatus.Cancelled
                ? $"experiment '{name}' cancelled ({e.Message}); `activeit experiment start {name}` resumes it"
                : $"experiment '{name}' paused; `activeit experiment start {name}` resumes it from the last finished step");
        }
        catch (Exception e) when (e is not (ArgumentException or KeyNotFoundException))
        {
            Console.Error.WriteLine($"experiment '{name}' failed: {e.Message}; `activeit experiment start {name}` retries from the last finished step");
        }
        return null;
    }
}
