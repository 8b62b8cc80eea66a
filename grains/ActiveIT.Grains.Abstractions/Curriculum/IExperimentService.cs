namespace ActiveIT.Grains.Curriculum;

/// <summary>Experiments as clients see them: one contract for the embedded host, the silo's HTTP API and the remote client.</summary>
public interface IExperimentService
{
    /// <summary>Validates the config against itself and the pool (sizes, task ids), then stores it.</summary>
    Task<Experiment> CreateAsync(ExperimentConfig config, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default);

    Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Queues it for a runner (the silo's worker; embedded, the CLI runs it in the foreground).</summary>
    Task<Experiment> StartAsync(string name, CancellationToken cancellationToken = default);

    Task<Experiment> CancelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record and its checkpoints; false if there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}
