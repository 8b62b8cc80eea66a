using ActiveIT.Grains.Access;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Silo.Observability;

/// <summary>
/// Reads one state through the grain storage provider every grain uses, so each probe is a real round trip to the
/// database or blob store (a grain call could be answered from an activation's memory). The probe's row never exists.
/// </summary>
internal sealed class StorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    private static readonly GrainId Probe = GrainId.Create("activeit-readiness", "probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var storage = services.GetRequiredKeyedService<IGrainStorage>(SiloStorage.ProviderName);
            // Any stored state type will do for a row that is not there; the read itself takes no token.
            await storage.ReadStateAsync("readiness", Probe, new GrainState<ApiKeyDirectoryState>()).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("grain storage answered a read");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("grain storage did not answer a read", e);
        }
    }
}
