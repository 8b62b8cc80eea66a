using System.Text.Json;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Format-transfer runs, named by their output pool. A create checks the request as the worker will use it (backends,
/// models, pools) and stores it in the run's grain; a silo's <see cref="TransferExecutor"/> runs it.
/// </summary>
public sealed class TransferRuns(IGrainFactory grains, SiloTransferBackends backends) : RunKind<TransferRequest, TransferRunState>
{

    public override string Kind => RunKinds.Transfer;

    public override RunHeader Header(TransferRunState record) => new(record.Name ?? record.Spec?.OutPool ?? "", record.Owner, record.Status);

    public override IResult? Refuse(TransferRequest config) => backends.Refuse(config);

    public override async Task<TransferRunState> CreateAsync(TransferRequest config, string owner, CancellationToken cancellationToken)
    {
        await backends.Runner(grains, config).ValidateAsync(config.Pool, config.OutPool, config.PoolVersion);  // bad settings or pools: 400 before anything is stored
        return await Grain(config.OutPool).CreateAsync(JsonSerializer.Serialize(config, RunJson.Options), owner);
    }

    public override async Task<IReadOnlyList<TransferRunState>> ListAsync(CancellationToken cancellationToken)
    {
        var runs = new List<TransferRunState>();
        foreach (var outPool in await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListTransfersAsync())
        {
            if (await GetAsync(outPool, cancellationToken) is { } run)
            {
                runs.Add(run);
            }
        }
        return runs;
    }

    public override async Task<TransferRunState?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var run = await Grain(name).GetAsync();
        return run.Spec is null && run.Request is null ? null : run;  // listed at its start; a name never written is no run
    }

    public override Task<TransferRunState> StartAsync(string name, CancellationToken cancellationToken) => Grain(name).QueueAsync();

    public override async Task<TransferRunState> CancelAsync(string name, CancellationToken cancellationToken)
    {
        var run = await Grain(name).CancelAsync();
        await DequeueAsync(grains, name);
        return run;
    }

    public override async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (await GetAsync(name, cancellationToken) is null)
        {
            return false;
        }
        await Grain(name).DeleteAsync();
        await DequeueAsync(grains, name);
        return true;
    }

    public override IAsyncEnumerable<TransferRunState> WatchAsync(string name, CancellationToken cancellationToken) => PollAsync(name, r => r.UpdatedAt, cancellationToken);

    private ITransferRunGrain Grain(string name)
    {
        PoolService.ValidatePoolName(name);
        return grains.GetGrain<ITransferRunGrain>(name);
    }
}
