using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Transfer;

[GrainType("activeit.transfer-run")]
public sealed class TransferRunGrain([PersistentState("run", SiloStorage.ProviderName)] IPersistentState<TransferRunState> state, SiloLiveness liveness)
    : RunLifecycleGrain<TransferRunState>(state, liveness), ITransferRunGrain
{
    private string Name => this.GetPrimaryKeyString();

    protected override bool Exists => Run.Request is not null || Run.Spec is not null;

    protected override string What => $"transfer run '{Name}'";

    public Task<TransferRunState> GetAsync() => Task.FromResult(Run);

    public async Task<TransferRunState> CreateAsync(string request, string? owner)
    {
        if (Exists)
        {
            // A create sent again because its answer was lost finds what it wrote, and completes rather than conflicts.
            if (Run.Request == request && Run.Owner == owner)
            {
                return Run;
            }
            throw new RunStateException($"a transfer run into pool '{Name}' exists already (delete it first, or choose another out_pool)");
        }
        (Run.Name, Run.Owner, Run.Request, Run.Status, Run.CreatedAt) = (Name, owner, request, RunStatus.Created, DateTimeOffset.UtcNow);
        await WriteAsync();
        await Pools.Catalog.NoteAsync(GrainFactory, c => c.AddTransferAsync(Name));
        return Run;
    }

    protected override bool RerunsCompleted => false;

    protected override void ClearStop() => Run.StopReason = null;

    public async Task<TransferRunState> BeginAsync(TransferRunSpec spec, int tasks, string? runnerId)
    {
        Owned(runnerId);
        var current = Run.Spec;
        // A run begun before pins were kept takes the version it is resumed with.
        if (current is not null && current with { Budget = spec.Budget, SourceVersion = current.SourceVersion ?? spec.SourceVersion,
                SourceDigest = current.SourceDigest ?? spec.SourceDigest } != spec)
        {
            throw new ArgumentException($"pool '{spec.OutPool}' holds the transfer of pool '{current.SourcePool}' at version {current.SourceVersion} to {current.Target} " +
                $"with config {current.ConfigKey} (denoise {current.Denoise}, labels {current.LabelMap}); resume it with the same options or choose another --out-pool");
        }
        Run.Spec = spec;  // the budget may be raised to resume a run that reached it
        (Run.Name, Run.Status, Run.StopReason, Run.Tasks) = (Name, RunStatus.Running, null, tasks);
        if (current is null)
        {
            Run.StartedAt = DateTimeOffset.UtcNow;
            Run.CreatedAt = Run.CreatedAt == default ? Run.StartedAt : Run.CreatedAt;
        }
        await WriteAsync();
        await Pools.Catalog.NoteAsync(GrainFactory, c => c.AddTransferAsync(spec.OutPool));
        return Run;
    }

    public Task RecordRequestAsync(string? runnerId, long promptTokens, long completionTokens, decimal cost)
    {
        Owned(runnerId);
        Run.Requests++;
        Run.PromptTokens += promptTokens;
        Run.CompletionTokens += completionTokens;
        Run.Cost += cost;
        Renew();
        return WriteAsync();
    }

    public Task RecordTaskAsync(string? runnerId, TransferTaskOutcome outcome)
    {
        Owned(runnerId);
        Run.Outcomes[outcome.TaskId] = outcome;
        Renew();
        return WriteAsync();
    }

    public Task FinishAsync(string? runnerId, RunStatus status, string? reason, double seconds)
    {
        if (!RunRules.Finish(Run, runnerId, status, seconds))
        {
            return Task.CompletedTask;
        }
        Run.StopReason = reason;
        return WriteAsync();
    }

    public async Task DeleteAsync()
    {
        RunRules.CheckDelete(What, Run.Status, Run.Runner, Liveness);
        await State.ClearStateAsync();
        await Pools.Catalog.NoteAsync(GrainFactory, c => c.RemoveTransferAsync(Name));
    }

    private void Owned(string? runnerId) => RunRules.CheckOwned(What, Run.Status, Run.Runner, runnerId);

    private void Renew()
    {
        if (Run.Runner is { } lease)
        {
            Run.Runner = lease with { Heartbeat = DateTimeOffset.UtcNow };
        }
    }
}
