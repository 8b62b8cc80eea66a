using ActiveIT.Grains.Storage;

namespace ActiveIT.Grains.Runs;

/// <summary>
/// What every run grain does the same way with its stored record: refuse verbs on a run that does not exist, queue,
/// claim, cancel, and write. The kinds' grains add what their records hold (a generic run's steps and result, a
/// transfer's spend and outcomes); the rules themselves are <see cref="RunRules"/>.
/// </summary>
public abstract class RunLifecycleGrain<TRun>(IPersistentState<TRun> state, SiloLiveness liveness) : Grain where TRun : class, IRunLifecycle
{
    protected SiloLiveness Liveness => liveness;

    protected TRun Run => state.State;

    protected IPersistentState<TRun> State => state;

    /// <summary>Whether the run was created (its record is not the empty default).</summary>
    protected abstract bool Exists { get; }

    /// <summary>The run as messages name it, e.g. "scoring run 'x'".</summary>
    protected abstract string What { get; }

    /// <summary>Whether starting a completed run runs it again (over what may have grown since) or leaves it completed.</summary>
    protected abstract bool RerunsCompleted { get; }

    /// <summary>Forgets what the last stop recorded (its error or reason) as the run goes on.</summary>
    protected abstract void ClearStop();

    public async Task<TRun> QueueAsync()
    {
        Existing();
        if (RunRules.NeedsQueue(What, Run.Status, Run.Runner, liveness, RerunsCompleted))
        {
            Run.Status = RunStatus.Queued;
            ClearStop();
            await WriteAsync();
        }
        return Run;
    }

    public async Task<TRun> ClaimAsync(RunnerLease lease, RunSession session)
    {
        Existing();
        RunRules.Claim(What, Run, lease, session, liveness);
        ClearStop();
        await WriteAsync();
        return Run;
    }

    public async Task<TRun> CancelAsync()
    {
        Existing();
        if (RunRules.Cancel(Run))
        {
            await WriteAsync();
        }
        return Run;
    }

    protected void Existing()
    {
        if (!Exists)
        {
            throw new KeyNotFoundException($"no {What}");
        }
    }

    // One runner holds a run at a time, so a conflict means the store is not what this activation believed: let it
    // surface rather than merge blindly.
    protected Task WriteAsync()
    {
        Run.UpdatedAt = DateTimeOffset.UtcNow;
        return state.WriteOrDiscardAsync(this);
    }
}
