using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>Curriculum runs (experiments) over <see cref="IExperimentService"/>; each change is pushed by the curriculum grain.</summary>
public sealed class CurriculumRuns(IExperimentService experiments, IOptions<SiloOptions> options) : RunKind<ExperimentConfig, Experiment>
{
    public override string Kind => RunKinds.Curriculum;

    public override RunHeader Header(Experiment record) => new(record.Name, record.Owner, record.Status);

    /// <summary>
    /// A relative base checkpoint names a file in the model folder, where `pretrain --silo` writes its bases: the caller
    /// need not know where that folder lies on the silo's disk. The stored config holds the whole path.
    /// </summary>
    public override ExperimentConfig Resolve(ExperimentConfig config) =>
        config.Model.BaseCheckpoint is { } path && !Path.IsPathRooted(path) && options.Value.ModelDir is { } models
            ? config with { Model = config.Model with { BaseCheckpoint = Path.GetFullPath(Path.Combine(models, path)) } }
            : config;

    /// <summary>
    /// A base checkpoint is a file the silo's worker will read: the same rule as import-path, before anything is said
    /// about the file — it must lie below the model folder or an import root.
    /// </summary>
    public override IResult? Refuse(ExperimentConfig config)
    {
        var roots = options.Value.ImportRoots.Concat(options.Value.ModelDir is { } models ? [models] : []).Select(ImportRoots.RealPath).ToArray();
        return config.Seeds.Select(config.Model.BaseCheckpointFor).OfType<string>().Distinct().FirstOrDefault(c => !ImportRoots.Contains(roots, c)) is { } outside
            ? Results.Problem(statusCode: 403, title: "Outside the model folder and import roots",
                detail: $"model.base_checkpoint '{outside}' must lie below ActiveIT:ModelDir or an ActiveIT:ImportRoots folder")
            : null;
    }

    public override Task<Experiment> CreateAsync(ExperimentConfig config, string owner, CancellationToken cancellationToken) =>
        experiments.CreateAsync(config, owner, cancellationToken);

    public override Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken) => experiments.ListAsync(cancellationToken);

    public override Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken) => experiments.GetAsync(name, cancellationToken);

    public override Task<Experiment> StartAsync(string name, CancellationToken cancellationToken) => experiments.StartAsync(name, cancellationToken);

    public override Task<Experiment> CancelAsync(string name, CancellationToken cancellationToken) => experiments.CancelAsync(name, cancellationToken);

    public override Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => experiments.DeleteAsync(name, cancellationToken);

    public override IAsyncEnumerable<Experiment> WatchAsync(string name, CancellationToken cancellationToken) =>
        experiments.WatchAsync(name, TimeSpan.FromSeconds(15), cancellationToken);
}
