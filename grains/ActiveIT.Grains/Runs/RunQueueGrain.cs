using ActiveIT.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Utilities;

namespace ActiveIT.Grains.Runs;

[GrainType("activeit.run-queue")]
public sealed class RunQueueGrain(
    [PersistentState("runs", SiloStorage.ProviderName)] IPersistentState<RunQueueState> state,
    SiloLiveness liveness,
    IOptions<RunQueueOptions> options,
    ILogger<RunQueueGrain> logger) : Grain, IRunQueueGrain, IRemindable
{
    private const string RecoverReminder = "recover-claims";
    private readonly ObserverManager<IRunWorkerObserver> _workers = new(IRunQueueGrain.SubscriptionLifetime, logger);
    private readonly TimeSpan _timeout = options.Value.ClaimTimeout;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The durable backstop: even if no worker calls, the reminder activates this grain (on a surviving silo) every minute.
        await this.RegisterOrUpdateReminder(RecoverReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await RecoverAsync();
    }

    public async Task EnqueueAsync(string runId)
    {
        RunKinds.Parse(runId);
        // A run still claimed was started again just as its worker finished it (its grain says queued, the worker has not
        // let go yet): it is queued when the worker releases it, or it would wait for nobody.
        var changed = false;
        if (state.State.Claims.ContainsKey(runId))
        {
            changed = state.State.Again.Add(runId);
        }
        else if (!state.State.Queued.Contains(runId))
        {
            state.State.Queued.Add(runId);
            changed = true;
        }
        if (changed)
        {
            await state.WriteOrDiscardAsync(this);
        }
        _workers.Notify(w => w.WorkAvailable());
    }

    public async Task RemoveAsync(string runId)
    {
        if (state.State.Queued.Remove(runId) | state.State.Again.Remove(runId))
        {
            await state.WriteOrDiscardAsync(this);
        }
    }

    public async Task<string?> ClaimAsync(string silo)
    {
        await RecoverAsync();
        if (state.State.Queued.Count == 0)
        {
            return null;
        }
        var runId = state.State.Queued[0];
        state.State.Queued.RemoveAt(0);
        state.State.Claims[runId] = new RunClaim(silo, DateTimeOffset.UtcNow + _timeout);
        await state.WriteOrDiscardAsync(this);
        logger.LogInformation("run {Run} claimed by {Silo}", runId, silo);
        return runId;
    }

    public async Task<bool> RenewAsync(string runId, string silo)
    {
        if (state.State.Claims.GetValueOrDefault(runId)?.Silo != silo)
        {
            return false;
        }
        state.State.Claims[runId] = new RunClaim(silo, DateTimeOffset.UtcNow + _timeout);
        await state.WriteOrDiscardAsync(this);
        return true;
    }

    public async Task ReleaseAsync(string runId, string silo, bool requeue)
    {
        if (state.State.Claims.GetValueOrDefault(runId)?.Silo != silo)
        {
            return;  // recovered and claimed by another silo meanwhile
        }
        state.State.Claims.Remove(runId);
        if (state.State.Again.Remove(runId) || requeue)
        {
            state.State.Queued.Insert(0, runId);
        }
        await state.WriteOrDiscardAsync(this);
        _workers.Notify(w => w.WorkAvailable());
    }

    public Task SubscribeAsync(IRunWorkerObserver worker)
    {
        _workers.Subscribe(worker, worker);
        return Task.CompletedTask;
    }

    public async Task RecoverAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var lost = state.State.Claims.Where(c => !liveness.IsAlive(c.Value.Silo) || c.Value.Expires < now)
            .Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        if (lost.Count == 0)
        {
            return;
        }
        foreach (var runId in lost)
        {
            var claim = state.State.Claims[runId];
            logger.LogWarning("run {Run}: {Why}; queued again to resume on a survivor", runId,
                claim.Expires < now ? $"the claim of {claim.Silo} expired at {claim.Expires:u} without a renewal" : $"its silo {claim.Silo} is gone");
            state.State.Claims.Remove(runId);
            state.State.Again.Remove(runId);
        }
        state.State.Queued.InsertRange(0, lost);
        await state.WriteOrDiscardAsync(this);
        _workers.Notify(w => w.WorkAvailable());
    }

    public Task<RunQueueSnapshot> GetAsync() =>
        Task.FromResult(new RunQueueSnapshot(state.State.Queued.ToList(), new Dictionary<string, RunClaim>(state.State.Claims), new HashSet<string>(state.State.Again)));

    public Task ReceiveReminder(string reminderName, TickStatus status) => RecoverAsync();
}
