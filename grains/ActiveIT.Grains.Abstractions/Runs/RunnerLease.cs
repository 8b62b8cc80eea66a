namespace ActiveIT.Grains.Runs;

/// <summary>
/// Who runs a run: a process and, where it runs in a silo, that silo (its cluster and address). Within the
/// runner's own cluster Orleans' membership decides: the lease is stale once its silo is declared dead. Elsewhere
/// (embedded runners are clusters of one on a shared SQLite file): on the runner's machine once its process is gone (a
/// slow step never loses it; a reused process id is told apart by the process's start time); from another machine,
/// once its heartbeat is older than <see cref="Timeout"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.RunnerLease")]
public sealed record RunnerLease(string Id, string Machine, int ProcessId, DateTimeOffset ProcessStarted, DateTimeOffset Heartbeat,
    string? Cluster = null, string? Silo = null)
{
    /// <summary>A lease for the calling process, running in the given silo (if any).</summary>
    public static RunnerLease ForThisProcess(DateTimeOffset now, string? cluster = null, string? silo = null)
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}", Environment.MachineName,
            Environment.ProcessId, self.StartTime.ToUniversalTime(), now, cluster, silo);
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <param name="now">The time to judge the heartbeat by.</param>
    /// <param name="cluster">The judging silo's cluster; with <paramref name="siloIsAlive"/>, membership decides for leases of that cluster.</param>
    /// <param name="siloIsAlive">Whether a silo address of <paramref name="cluster"/> is an active member.</param>
    public bool IsStale(DateTimeOffset now, string? cluster = null, Func<string, bool>? siloIsAlive = null)
    {
        if (Silo is not null && Cluster is not null && Cluster == cluster && siloIsAlive is not null)
        {
            return !siloIsAlive(Silo);
        }
        if (Machine != Environment.MachineName)
        {
            return now - Heartbeat > Timeout;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(ProcessId);
            return process.HasExited || Math.Abs((process.StartTime.ToUniversalTime() - ProcessStarted.UtcDateTime).TotalSeconds) > 1;
        }
        catch (ArgumentException)
        {
            return true;  // no such process on this machine: its runner was killed
        }
    }
}
