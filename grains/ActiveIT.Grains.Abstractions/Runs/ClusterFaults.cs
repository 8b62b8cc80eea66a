using Orleans.Runtime;

namespace ActiveIT.Grains.Runs;

/// <summary>
/// Failures of the cluster rather than of the request or run: a silo died under a call, a message was rejected while
/// its grain moved, or a storage error crossed silos while a killed silo's grains reactivated. The data stays
/// consistent; the same call succeeds once membership has declared the dead silo dead (seconds).
/// </summary>
public static class ClusterFaults
{
    public static bool IsTransient(Exception? error) => error switch
    {
        null => false,
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException => true,
        // A storage error raised in a grain on another silo arrives as "no codec for Npgsql.PostgresException" (seen in ClusterTests).
        Orleans.Serialization.CodecNotFoundException e => e.Message.Contains("Npgsql", StringComparison.Ordinal),
        AggregateException e => e.InnerExceptions.Count > 0 && e.InnerExceptions.All(IsTransient),
        _ => false,
    };
}
