using ActiveIT.Grains.Runs;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ActiveIT.Grains.Runs;

/// <summary>
/// Membership's word on the silos of this cluster: a silo is gone once declared dead. With shared membership
/// (PostgreSQL, Azure) a silo this one does not know yet may just have joined, so it counts as alive; in a cluster of
/// one (SQLite), an unknown silo is an earlier incarnation of this process's silo, and gone.
/// </summary>
public sealed class SiloLiveness(IClusterMembershipService membership, IOptions<ClusterOptions> cluster, SiloLiveness.Membership scope)
{
    public string ClusterId => cluster.Value.ClusterId;

    public bool IsAlive(string silo) => membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) switch
    {
        SiloStatus.Dead => false,
        SiloStatus.None => scope.Shared,
        _ => true,
    };

    /// <summary>Whether the silos of this cluster share a membership table (PostgreSQL, Azure) or this one is alone (SQLite).</summary>
    public sealed record Membership(bool Shared);

    public bool IsStale(RunnerLease lease) => lease.IsStale(DateTimeOffset.UtcNow, ClusterId, IsAlive);
}
