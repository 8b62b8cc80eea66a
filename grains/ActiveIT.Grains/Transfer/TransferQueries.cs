using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Transfer;

/// <summary>Reads of transfer runs, by output pool: what the CLI (embedded) and the silo's API answer with.</summary>
public static class TransferQueries
{
    public static async Task<TransferRunState> RunAsync(IGrainFactory grains, string outPool)
    {
        PoolService.ValidatePoolName(outPool);
        var state = await grains.GetGrain<ITransferRunGrain>(outPool).GetAsync();
        return state.Spec is null ? throw new KeyNotFoundException($"no transfer run writes to pool '{outPool}'") : state;
    }

    public static async Task<TransferTaskView> TaskAsync(IGrainFactory grains, string outPool, string taskId)
    {
        var run = await RunAsync(grains, outPool);
        var spec = run.Spec!;
        var hash = run.Outcomes.TryGetValue(taskId, out var outcome) ? outcome.SourceHash
            : (spec.SourceVersion is { } v ? await grains.GetGrain<ITaskPoolGrain>(spec.SourcePool).GetMemberAtAsync(taskId, v)
                : await grains.GetGrain<ITaskPoolGrain>(spec.SourcePool).GetMemberAsync(taskId))?.ContentHash
            ?? throw new KeyNotFoundException($"pool '{spec.SourcePool}' (the source of '{outPool}') has no task '{taskId}'");
        var state = await grains.GetGrain<IFormatTransferGrain>(IFormatTransferGrain.Key(hash, spec.Target, spec.ConfigKey)).GetAsync();
        return new TransferTaskView(taskId, spec.Target, spec.ConfigKey, spec.Denoise, outcome, state);
    }

    /// <summary>Every task of the run with its candidates, in task order (`transfer export`).</summary>
    public static async IAsyncEnumerable<TransferTaskView> AllAsync(IGrainFactory grains, string outPool)
    {
        var run = await RunAsync(grains, outPool);
        foreach (var member in await grains.GetGrain<ITaskPoolGrain>(run.Spec!.SourcePool).ListAllAsync(run.Spec.SourceVersion))
        {
            yield return await TaskAsync(grains, outPool, member.TaskId);
        }
    }
}
