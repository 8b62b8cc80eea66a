using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ActiveIT.Grains.Curriculum;

/// <summary>Membership's word on the silos of this cluster: a silo is gone once declared dead or no longer known.</summary>
public sealed class SiloLiveness(IClusterMembershipService membership, IOptions<ClusterOptions> cluster)
{
    public string ClusterId => cluster.Value.ClusterId;

    public bool IsAlive(string silo) =>
        membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) is not (SiloStatus.Dead or SiloStatus.None);

    public bool IsStale(RunnerLease lease) => lease.IsStale(DateTimeOffset.UtcNow, ClusterId, IsAlive);
}
