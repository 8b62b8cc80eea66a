namespace ActiveIT.Grains.Curriculum;

/// <summary>Told of each change to an experiment's record (rounds, progress, status): what watchers follow instead of polling.</summary>
[Alias("activeit.IExperimentObserver")]
public interface IExperimentObserver : IGrainObserver
{
    [Alias("Changed")]
    void Changed(Experiment experiment);
}
