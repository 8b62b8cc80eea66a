using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Instruction-diversity runs: a create checks the config (each problem names its field); a silo's
/// <see cref="DiversityExecutor"/> trains the grid, storing each finished model in the run's grain.
/// </summary>
public sealed class DiversityRuns(IGrainFactory grains) : GenericRuns<DiversityRequest>(grains)
{
    public override string Kind => RunKinds.Diversity;

    protected override string NameOf(DiversityRequest config) => config.RunName;

    protected override Task<DiversityRequest> CheckAsync(DiversityRequest config) => config.Invalid() is { } invalid
        ? throw new ArgumentException(invalid)
        : Task.FromResult(config with { Name = config.RunName });
}
