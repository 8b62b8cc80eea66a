using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Runs;

[GrainType("activeit.run")]
public sealed class RunGrain([PersistentState("run", SiloStorage.ProviderName)] IPersistentState<RunRecord> state, SiloLiveness liveness)
    : RunLifecycleGrain<RunRecord>(state, liveness), IRunGrain
{
    protected override bool Exists => Run.Kind.Length > 0;

    protected override string What => $"{RunKinds.Parse(this.GetPrimaryKeyString()).Kind} run '{RunKinds.Parse(this.GetPrimaryKeyString()).Name}'";

    public Task<RunRecord?> GetAsync() => Task.FromResult(Exists ? Run : null);

    public async Task<RunRecord> CreateAsync(string config, string? owner)
    {
        if (Exists)
        {
            // A create sent again because its answer was lost finds what it wrote, and completes rather than conflicts.
            return Run.Config == config && Run.Owner == owner ? Run
                : throw new RunStateException($"{What} exists already (delete it first, or choose another name)");
        }
        var (kind, name) = RunKinds.Parse(this.GetPrimaryKeyString());
        (Run.Kind, Run.Name, Run.Owner, Run.Config, Run.Status, Run.CreatedAt) = (kind, name, owner, config, RunStatus.Created, DateTimeOffset.UtcNow);
        await WriteAsync();
        await GrainFactory.GetGrain<IRunRegistryGrain>(IRunRegistryGrain.Key(kind)).AddAsync(name);
        return Run;
    }

    // A completed run is queued again: what it works on may have grown (a pool's new tasks), and what it stored
    // (cached scores) is not computed twice.
    protected override bool RerunsCompleted => true;

    protected override void ClearStop() => Run.Error = null;

    public Task ReportAsync(string runnerId, RunProgress progress)
    {
        RunRules.CheckOwned(What, Run.Status, Run.Runner, runnerId);
        (Run.Progress, Run.Runner) = (progress, Run.Runner! with { Heartbeat = progress.At });
        return WriteAsync();
    }

    public Task RecordStepAsync(string runnerId, string key, string result)
    {
        RunRules.CheckOwned(What, Run.Status, Run.Runner, runnerId);
        var now = DateTimeOffset.UtcNow;
        Run.Runner = Run.Runner! with { Heartbeat = now };
        if (Run.Steps.All(s => s.Key != key))
        {
            Run.Steps.Add(new RunStep(key, result, now));
        }
        return WriteAsync();
    }

    public Task FinishAsync(string runnerId, RunStatus status, string? result, string? error, double seconds)
    {
        if (!RunRules.Finish(Run, runnerId, status, seconds))
        {
            return Task.CompletedTask;
        }
        (Run.Result, Run.Error) = (result ?? Run.Result, error);
        return WriteAsync();
    }

    public async Task DeleteAsync()
    {
        if (!Exists)
        {
            return;
        }
        RunRules.CheckDelete(What, Run.Status, Run.Runner, Liveness);
        var (kind, name) = (Run.Kind, Run.Name);
        await State.ClearStateAsync();
        await GrainFactory.GetGrain<IRunRegistryGrain>(IRunRegistryGrain.Key(kind)).RemoveAsync(name);
    }

}
