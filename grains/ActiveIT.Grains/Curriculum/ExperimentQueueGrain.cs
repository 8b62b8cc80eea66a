using ActiveIT.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Utilities;

namespace ActiveIT.Grains.Curriculum;

[GrainType("activeit.experiment-queue")]
public sealed class ExperimentQueueGrain(
    [PersistentState("queue", SiloStorage.ProviderName)] IPersistentState<ExperimentQueueState> state,
    SiloLiveness liveness,
    ILogger<ExperimentQueueGrain> logger) : Grain, IExperimentQueueGrain, IRemindable
{
    private const string RecoverReminder = "recover-claims";
    private readonly ObserverManager<IExperimentWorkerObserver> _workers = new(IExperimentQueueGrain.SubscriptionLifetime, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The durable backstop: even if no worker calls, the reminder activates this grain (on a surviving silo) every minute.
        await this.RegisterOrUpdateReminder(RecoverReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await RecoverAsync();
    }

    public async Task EnqueueAsync(string name)
    {
        if (!state.State.Queued.Contains(name) && !state.State.Claims.ContainsKey(name))
        {
            state.State.Queued.Add(name);
            await state.WriteOrDiscardAsync(this);
        }
        _workers.Notify(w => w.WorkAvailable());
    }

    public async Task RemoveAsync(string name)
    {
        if (state.State.Queued.Remove(name))
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
        var name = state.State.Queued[0];
        state.State.Queued.RemoveAt(0);
        state.State.Claims[name] = silo;
        await state.WriteOrDiscardAsync(this);
        logger.LogInformation("experiment {Name} claimed by {Silo}", name, silo);
        return name;
    }

    public async Task ReleaseAsync(string name, string silo, bool requeue)
    {
        if (state.State.Claims.GetValueOrDefault(name) != silo)
        {
            return;  // recovered and claimed by another silo meanwhile
        }
        state.State.Claims.Remove(name);
        if (requeue)
        {
            state.State.Queued.Insert(0, name);
        }
        await state.WriteOrDiscardAsync(this);
        _workers.Notify(w => w.WorkAvailable());
    }

    public Task SubscribeAsync(IExperimentWorkerObserver worker)
    {
        _workers.Subscribe(worker, worker);
        return Task.CompletedTask;
    }

    public async Task RecoverAsync()
    {
        var lost = state.State.Claims.Where(c => !liveness.IsAlive(c.Value)).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        if (lost.Count == 0)
        {
            return;
        }
        foreach (var name in lost)
        {
            logger.LogWarning("experiment {Name}: its silo {Silo} is gone; queued again to resume on a survivor", name, state.State.Claims[name]);
            state.State.Claims.Remove(name);
        }
        state.State.Queued.InsertRange(0, lost);
        await state.WriteOrDiscardAsync(this);
        _workers.Notify(w => w.WorkAvailable());
    }

    public Task<ExperimentQueueState> GetAsync() => Task.FromResult(state.State);

    public Task ReceiveReminder(string reminderName, TickStatus status) => RecoverAsync();
}
