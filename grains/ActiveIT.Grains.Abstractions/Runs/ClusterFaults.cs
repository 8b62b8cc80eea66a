using Orleans.Runtime;

namespace ActiveIT.Grains.Runs;

/// <summary>
/// Failures of the cluster rather than of the request or run: a silo died under a call, a message was rejected while
/// its grain moved, a storage error crossed silos while a killed silo's grains reactivated, or the database said to
/// try again (its driver marks the error transient: no free connection, a deadlock, a serialization failure). The data
/// stays consistent; the same call succeeds once membership has declared the dead silo dead or the database has room
/// (seconds). The cause may arrive wrapped (Orleans' storage errors carry the driver's exception inside).
/// </summary>
public static class ClusterFaults
{
    public static bool IsTransient(Exception? error) => error switch
    {
        null => false,
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException => true,
        // A storage error raised in a grain on another silo arrives as "no codec for Npgsql.PostgresException" (seen in ClusterTests).
        Orleans.Serialization.CodecNotFoundException e => e.Message.Contains("Npgsql", StringComparison.Ordinal),
        System.Data.Common.DbException { IsTransient: true } => true,
        AggregateException e => e.InnerExceptions.Count > 0 && e.InnerExceptions.All(IsTransient),
        { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    /// <summary>
    /// Runs <paramref name="call"/> until it succeeds, retrying every 2 s while it fails transiently, for at most
    /// <paramref name="budget"/>: a run's pause or re-queue after a silo died must outlast the seconds until membership
    /// declares that silo dead, or the run stays held by a lease nobody renews. False when the budget ran out.
    /// </summary>
    public static async Task<bool> RetryAsync(Func<Task> call, TimeSpan budget, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + budget;
        while (true)
        {
            try
            {
                await call();
                return true;
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (IsTransient(e))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// A runner's claim on a run: when its answer is lost to a cluster fault, the claim may still have been stored (the
    /// grain's silo wrote it, then died before answering). Then <paramref name="letGo"/> (the run paused under this
    /// runner's lease, which the grain ignores if the claim never landed) is retried before the fault goes on to the
    /// caller; otherwise the run would stay "running" under the lease of a live silo that runs nothing, and every start
    /// and re-queue would be refused while that silo lives.
    /// </summary>
    public static async Task<T> ClaimAsync<T>(Func<Task<T>> claim, Func<Task> letGo)
    {
        try
        {
            return await claim();
        }
        catch (Exception e) when (IsTransient(e))
        {
            await RetryAsync(letGo, RecoveryBudget);
            throw;
        }
    }

    /// <summary>How long a run's own stop (its pause) and its re-queue are retried after a cluster fault.</summary>
    public static readonly TimeSpan RecoveryBudget = TimeSpan.FromSeconds(90);
}
