namespace ActiveIT.Grains.Runs;

/// <summary>
/// The lifecycle every run grain enforces, whatever its record: when it may be queued, claimed, written by a runner
/// or deleted. <paramref name="what"/> names the run in errors ("experiment 'x'", "transfer 'y'").
/// </summary>
public static class RunRules
{
    /// <summary>
    /// Whether start must queue it: not when queued already, nor when completed unless <paramref name="rerunCompleted"/>;
    /// refused while a live runner holds it.
    /// </summary>
    public static bool NeedsQueue(string what, RunStatus status, RunnerLease? runner, SiloLiveness liveness, bool rerunCompleted = false)
    {
        if (status == RunStatus.Queued || (status == RunStatus.Completed && !rerunCompleted))
        {
            return false;
        }
        RefuseWhileRunning(what, status, runner, liveness, "");
        return true;
    }

    /// <summary>A worker takes only a queued run, or a running one whose runner is gone.</summary>
    public static void CheckClaim(string what, RunStatus status, RunnerLease? held, RunnerLease lease, bool fromQueue, SiloLiveness liveness)
    {
        if (fromQueue && status is not (RunStatus.Queued or RunStatus.Running))
        {
            throw new RunStateException($"{what} is {status.ToString().ToLowerInvariant()}, not queued: not run");
        }
        if (held is not null && held.Id != lease.Id && !liveness.IsStale(held))
        {
            throw new RunStateException($"{what} is running in {held.Id} (heartbeat {held.Heartbeat:u})");
        }
    }

    /// <summary>Refuses a write from a runner that no longer holds the run (cancelled, or taken over after its silo died).</summary>
    public static void CheckOwned(string what, RunStatus status, RunnerLease? runner, string? runnerId)
    {
        if (status == RunStatus.Cancelled)
        {
            throw new OperationCanceledException($"{what} was cancelled");
        }
        if (runner?.Id != runnerId)
        {
            throw new OperationCanceledException($"{what} is now run by {runner?.Id ?? "nobody"}");
        }
    }

    /// <summary>Makes <paramref name="lease"/> the run's runner, from the queue (see <see cref="CheckClaim"/>).</summary>
    public static void Claim(string what, IRunLifecycle run, RunnerLease lease, RunSession session, SiloLiveness liveness)
    {
        CheckClaim(what, run.Status, run.Runner, lease, fromQueue: true, liveness);
        (run.Status, run.Runner) = (RunStatus.Running, lease);
        run.Sessions.Add(session);
    }

    /// <summary>A runner's last word: false (nothing to write) when another runner holds the run now; releases the lease.</summary>
    public static bool Finish(IRunLifecycle run, string? runnerId, RunStatus said, double seconds)
    {
        if (run.Runner?.Id != runnerId)
        {
            return false;  // another runner took it over: its word counts, not this one's
        }
        (run.Status, run.Seconds, run.Runner) = (Finished(run.Status, said), run.Seconds + seconds, null);
        return true;
    }

    /// <summary>Cancels unless completed or cancelled already; whether anything changed.</summary>
    public static bool Cancel(IRunLifecycle run)
    {
        if (!Cancels(run.Status))
        {
            return false;
        }
        run.Status = RunStatus.Cancelled;
        return true;
    }

    /// <summary>The status a runner's last word leaves: a user's cancel stands over what the runner says.</summary>
    public static RunStatus Finished(RunStatus current, RunStatus said) => current == RunStatus.Cancelled ? RunStatus.Cancelled : said;

    /// <summary>Whether cancel changes anything: a completed or cancelled run stays as it is.</summary>
    public static bool Cancels(RunStatus status) => status is not (RunStatus.Completed or RunStatus.Cancelled);

    public static void CheckDelete(string what, RunStatus status, RunnerLease? runner, SiloLiveness liveness) =>
        RefuseWhileRunning(what, status, runner, liveness, ": cancel it first");

    private static void RefuseWhileRunning(string what, RunStatus status, RunnerLease? runner, SiloLiveness liveness, string advice)
    {
        if (status == RunStatus.Running && runner is { } lease && !liveness.IsStale(lease))
        {
            throw new RunStateException($"{what} is running in {lease.Id} (heartbeat {lease.Heartbeat:u}){advice}");
        }
    }
}
