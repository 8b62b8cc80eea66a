using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Transfer;

[GrainType("activeit.transfer-run")]
public sealed class TransferRunGrain([PersistentState("run", SiloStorage.ProviderName)] IPersistentState<TransferRunState> state) : Grain, ITransferRunGrain
{
    private readonly IPersistentState<TransferRunState> _state = state;

    public Task<TransferRunState> GetAsync() => Task.FromResult(_state.State);

    public async Task<TransferRunState> StartAsync(TransferRunSpec spec, int tasks)
    {
        var current = _state.State.Spec;
        if (current is not null && current with { Budget = spec.Budget } != spec)
        {
            throw new ArgumentException($"pool '{spec.OutPool}' holds the transfer of pool '{current.SourcePool}' to {current.Target} with config {current.ConfigKey} " +
                $"(denoise {current.Denoise}, labels {current.LabelMap}); resume it with the same options or choose another --out-pool");
        }
        _state.State.Spec = spec;  // the budget may be raised to resume a run that reached it
        _state.State.Status = TransferRunState.Running;
        _state.State.StopReason = null;
        _state.State.Tasks = tasks;
        if (current is null)
        {
            _state.State.StartedAt = DateTimeOffset.UtcNow;
        }
        await WriteAsync();
        await Pools.Catalog.NoteAsync(GrainFactory, c => c.AddTransferAsync(spec.OutPool));
        return _state.State;
    }

    public Task RecordRequestAsync(long promptTokens, long completionTokens, decimal cost)
    {
        _state.State.Requests++;
        _state.State.PromptTokens += promptTokens;
        _state.State.CompletionTokens += completionTokens;
        _state.State.Cost += cost;
        return WriteAsync();
    }

    public Task RecordTaskAsync(TransferTaskOutcome outcome)
    {
        _state.State.Outcomes[outcome.TaskId] = outcome;
        return WriteAsync();
    }

    public Task FinishAsync(string status, string? reason, double seconds)
    {
        (_state.State.Status, _state.State.StopReason) = (status, reason);
        _state.State.Seconds += seconds;
        return WriteAsync();
    }

    // One runner drives a run at a time (the CLI or one silo request), so a conflict means the store is not what this
    // activation believed: let it surface rather than merge blindly.
    private Task WriteAsync()
    {
        _state.State.UpdatedAt = DateTimeOffset.UtcNow;
        return _state.WriteOrDiscardAsync(this);
    }
}
