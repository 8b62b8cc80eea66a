using ActiveIT.Grains.Storage;

namespace ActiveIT.Grains.Runs;

/// <summary>
/// What every run grain does the same way with its stored record: refuse verbs on a run that does not exist, cancel,
/// and write. The kinds' grains add what their records hold (a generic run's steps and result, a transfer's spend and
/// outcomes); the rules themselves are <see cref="RunRules"/>.
/// </summary>
public abstract class RunLifecycleGrain<TRun>(IPersistentState<TRun> state) : Grain where TRun : class, IRunLifecycle
{
    protected TRun Run => state.State;

    protected IPersistentState<TRun> State => state;

    /// <summary>Whether the run was created (its record is not the empty default).</summary>
    protected abstract bool Exists { get; }

    /// <summary>The run as messages name it, e.g. "scoring run 'x'".</summary>
    protected abstract string What { get; }

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
