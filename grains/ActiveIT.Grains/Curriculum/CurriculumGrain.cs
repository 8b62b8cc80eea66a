using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Utilities;

namespace ActiveIT.Grains.Curriculum;

[GrainType("activeit.curriculum")]
public sealed class CurriculumGrain([PersistentState("curriculum", SiloStorage.ProviderName)] IPersistentState<CurriculumState> state, SiloLiveness liveness,
    ILogger<CurriculumGrain> logger) : Grain, ICurriculumGrain
{
    private readonly IPersistentState<CurriculumState> _state = state;
    private readonly ObserverManager<IExperimentObserver> _watchers = new(ICurriculumGrain.SubscriptionLifetime, logger);

    public Task SubscribeAsync(IExperimentObserver observer)
    {
        _watchers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IExperimentObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private void Notify()
    {
        if (_state.State.Experiment is { } experiment)
        {
            _watchers.Notify(w => w.Changed(experiment));
        }
    }

    public async Task<Experiment> CreateAsync(ExperimentConfig config, string? owner)
    {
        if (config.Name != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"config name '{config.Name}' differs from the grain key '{this.GetPrimaryKeyString()}'");
        }
        if (_state.State.Experiment is { } existing)
        {
            // A create sent again because its answer was lost (its silo died after the write) finds what it wrote: the
            // same config, not started. It completes rather than conflicts, so the service can still list it.
            if (existing.Status == RunStatus.Created && existing.Owner == owner && SameConfig(existing.Config, config))
            {
                return existing;
            }
            throw new RunStateException($"experiment '{this.GetPrimaryKeyString()}' exists already (delete it first, or choose another name)");
        }
        var now = DateTimeOffset.UtcNow;
        _state.State.Experiment = new Experiment(config, RunStatus.Created, now, now, [], null, null, [], null, owner);
        try
        {
            await _state.WriteOrDiscardAsync(this);
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();
            if (_state.State.Experiment is { Status: RunStatus.Created } written && written.Owner == owner && SameConfig(written.Config, config))
            {
                return written;
            }
            throw new RunStateException($"experiment '{this.GetPrimaryKeyString()}' was created concurrently by another client");
        }
        return _state.State.Experiment;
    }

    private static bool SameConfig(ExperimentConfig a, ExperimentConfig b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    public async Task RestoreAsync(Experiment experiment)
    {
        if (experiment.Name != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"experiment '{experiment.Name}' differs from the grain key '{this.GetPrimaryKeyString()}'");
        }
        if (_state.State.Experiment is not null)
        {
            return;
        }
        _state.State.Experiment = experiment;
        await _state.WriteOrDiscardAsync(this);
    }

    public Task<Experiment?> GetAsync() => Task.FromResult(_state.State.Experiment);

    public Task<Experiment> QueueAsync() => UpdateAsync(e => RunRules.NeedsQueue(What, e.Status, e.Runner, liveness)
        ? e with { Status = RunStatus.Queued, Error = null }
        : e);

    public Task<Experiment> ClaimAsync(RunnerLease lease, RunSession session, bool fromQueue) => UpdateAsync(e =>
    {
        RunRules.CheckClaim(What, e.Status, e.Runner, lease, fromQueue, liveness);
        return e with { Status = RunStatus.Running, Runner = lease, Sessions = [.. e.Sessions, session], Error = null };
    });

    public Task RecordRunAsync(string runnerId, SeedRun run) => UpdateAsync(e => Owned(e, runnerId) with
    {
        Runs = [.. e.Runs.Where(r => r.Seed != run.Seed), run],
    });

    public Task RecordRoundAsync(string runnerId, ulong seed, RoundRecord round) => UpdateAsync(e =>
    {
        var run = Owned(e, runnerId).Runs.SingleOrDefault(r => r.Seed == seed)
            ?? throw new InvalidOperationException($"experiment '{e.Name}' has no run for seed {seed}");
        var updated = run with { Rounds = [.. run.Rounds.Where(r => r.Round != round.Round), round] };
        return e with { Runs = [.. e.Runs.Select(r => r.Seed == seed ? updated : r)] };
    });

    public Task ReportProgressAsync(string runnerId, ExperimentProgress progress) => UpdateAsync(e =>
        Owned(e, runnerId) with { Progress = progress, Runner = e.Runner! with { Heartbeat = progress.At } });

    public Task FinishAsync(string runnerId, RunStatus status, string? error) => UpdateAsync(e =>
        e.Runner?.Id != runnerId ? e : e with
        {
            Status = RunRules.Finished(e.Status, status),
            Error = error,
            Runner = null,
        });

    public Task<Experiment> CancelAsync() => UpdateAsync(e => RunRules.Cancels(e.Status) ? e with { Status = RunStatus.Cancelled } : e);

    public async Task DeleteAsync()
    {
        if (_state.State.Experiment is { } e)
        {
            RunRules.CheckDelete(What, e.Status, e.Runner, liveness);
        }
        await _state.ClearStateAsync();
    }

    private string What => $"experiment '{this.GetPrimaryKeyString()}'";

    /// <summary>Applies a change to the latest record, re-reading and re-deciding when a second activation (a failover) wrote first.</summary>
    private async Task<Experiment> UpdateAsync(Func<Experiment, Experiment> change)
    {
        var written = await _state.ChangeAsync(this, s =>
        {
            var current = s.Experiment ?? throw new KeyNotFoundException($"no experiment '{this.GetPrimaryKeyString()}'");
            var next = change(current);
            if (ReferenceEquals(next, current))
            {
                return false;
            }
            s.Experiment = next with { UpdatedAt = DateTimeOffset.UtcNow };
            return true;
        });
        if (written)
        {
            Notify();
        }
        return _state.State.Experiment!;
    }

    /// <summary>The record, if this runner still owns it; otherwise the runner must stop.</summary>
    private Experiment Owned(Experiment e, string runnerId)
    {
        RunRules.CheckOwned(What, e.Status, e.Runner, runnerId);
        return e;
    }
}
