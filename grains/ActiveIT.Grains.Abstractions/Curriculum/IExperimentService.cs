namespace ActiveIT.Grains.Curriculum;

/// <summary>Experiments as clients see them: one contract for the embedded host, the silo's HTTP API and the remote client.</summary>
public interface IExperimentService
{
    /// <summary>Validates the config against itself and the pool (sizes, task ids), then stores it as
    /// <paramref name="owner"/>'s (a silo passes the caller; a client of a silo cannot choose it).</summary>
    Task<Experiment> CreateAsync(ExperimentConfig config, string? owner = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default);

    Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Queues it for a runner (the silo's worker; embedded, the CLI runs it in the foreground).</summary>
    Task<Experiment> StartAsync(string name, CancellationToken cancellationToken = default);

    Task<Experiment> CancelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The record now and after each change (rounds, progress, status), until the caller stops or the experiment no
    /// longer exists. Pushed by the grain; also re-read at least every <paramref name="interval"/> (runners in other
    /// processes on a shared SQLite file cannot notify this one).
    /// </summary>
    IAsyncEnumerable<Experiment> WatchAsync(string name, TimeSpan interval, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record and its checkpoints; false if there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}
