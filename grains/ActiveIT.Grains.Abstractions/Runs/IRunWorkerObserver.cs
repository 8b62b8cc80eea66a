namespace ActiveIT.Grains.Runs;

/// <summary>A silo's run worker, as the queue grain sees it.</summary>
[Alias("activeit.IRunWorkerObserver")]
public interface IRunWorkerObserver : IGrainObserver
{
    [Alias("WorkAvailable")]
    void WorkAvailable();
}
