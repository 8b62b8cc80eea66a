using ActiveIT.Core.Families;
using ActiveIT.Grains.Pretraining;
using ActiveIT.Grains.Runs;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Pretraining runs: bases written to the silo's model folder (ActiveIT:ModelDir, which every silo of a cluster shares
/// for its models), where experiments and the served models find them.
/// </summary>
public sealed class PretrainRuns(IGrainFactory grains, IOptions<SiloOptions> options) : GenericRuns<PretrainRequest>(grains)
{
    public override string Kind => RunKinds.Pretrain;

    protected override string NameOf(PretrainRequest config) => config.RunName;

    protected override Task<PretrainRequest> CheckAsync(PretrainRequest config)
    {
        if (options.Value.ModelDir is null)
        {
            throw new ArgumentException("pretraining on a silo writes its bases to ActiveIT:ModelDir, and this silo has none");
        }
        if (config.Invalid() is { } invalid)
        {
            throw new ArgumentException(invalid);
        }
        // Named as the engine knows them, so the stored spec's key is the file's key.
        var families = config.Spec.Families.Select(f => TaskFamilies.Named(f).Name).ToArray();
        return Task.FromResult(config with { Spec = config.Spec with { Families = families }, Name = config.RunName });
    }
}
