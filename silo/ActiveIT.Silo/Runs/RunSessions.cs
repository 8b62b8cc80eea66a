using System.Runtime.InteropServices;
using ActiveIT.Engine;
using ActiveIT.Grains.Runs;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace ActiveIT.Silo.Runs;

/// <summary>The lease a run is claimed under on this silo, and the session it records: code, libraries, device, machine.</summary>
public sealed class RunSessions(IOptions<SiloOptions> options, IOptions<ClusterOptions> cluster)
{
    public (RunnerLease Lease, RunSession Session) Start(string silo)
    {
        var now = DateTimeOffset.UtcNow;
        var lease = RunnerLease.ForThisProcess(now, cluster.Value.ClusterId, silo);
        var info = EngineRuntime.Info;
        return (lease, new RunSession(lease.Id, now, CurriculumExecutor.CodeVersion, info.TorchVersion, options.Value.Device ?? EngineRuntime.DefaultDevice,
            info.Threads, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription, EngineRuntime.DefaultPrecision.Name()));
    }
}
