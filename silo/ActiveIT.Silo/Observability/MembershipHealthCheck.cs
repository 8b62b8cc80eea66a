using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace ActiveIT.Silo.Observability;

/// <summary>
/// Whether Orleans' cluster membership lists this silo as active: one still joining, or declared dead by the others,
/// must not take traffic — its grain calls would fail or land on a cluster that no longer counts it.
/// </summary>
internal sealed class MembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("this silo is active in cluster membership")
            : HealthCheckResult.Unhealthy($"this silo is {status.ToString().ToLowerInvariant()} in cluster membership, not active"));
    }
}
