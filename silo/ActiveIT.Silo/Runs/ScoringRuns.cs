using System.Text.Json;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Scoring;
using ActiveIT.Silo.Completions;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Pool-scoring runs: a create checks the settings, the model and the pool; a silo's <see cref="ScoringExecutor"/>
/// scores the pool, each score cached in its task grain.
/// </summary>
public sealed class ScoringRuns(IGrainFactory grains, ModelRegistry models, IOptions<SiloOptions> options) : GenericRuns<ScoringRequest>(grains)
{
    public override string Kind => RunKinds.Scoring;

    protected override string NameOf(ScoringRequest config) => config.RunName;

    protected override async Task<ScoringRequest> CheckAsync(ScoringRequest config)
    {
        if (config.Invalid(options.Value.MaxGenerationTokens) is { } invalid)
        {
            throw new ArgumentException(invalid);
        }
        PoolService.ValidatePoolName(config.Pool);
        if (!models.Ids.Contains(config.Model))
        {
            throw new KeyNotFoundException($"the silo serves no model '{config.Model}' (its models: {(models.Ids.Count == 0 ? "none; set ActiveIT:ModelDir" : string.Join(", ", models.Ids))})");
        }
        // The run reads one version of the pool in every start and resume: the one asked for, else the head now — or,
        // for a named run asked for again with the same settings, the version it was made with (a create sent again finds its run).
        if (config is { Name: { } name, PoolVersion: null } && await Grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name)).GetAsync() is { } existing
            && JsonSerializer.Deserialize<ScoringRequest>(existing.Config, RunJson.Options) is { PoolVersion: { } pinned } made && made with { PoolVersion = null } == config)
        {
            config = config with { PoolVersion = pinned };
        }
        var pool = Grains.GetGrain<ITaskPoolGrain>(config.Pool);
        config = config with { PoolVersion = await pool.ResolveAsync(config.PoolVersion) };
        if ((await pool.GetStatsAtAsync(config.PoolVersion.Value)).Tasks == 0)
        {
            throw new KeyNotFoundException($"pool '{config.Pool}' has no tasks at version {config.PoolVersion}");
        }
        return config with { Name = config.RunName };
    }
}
