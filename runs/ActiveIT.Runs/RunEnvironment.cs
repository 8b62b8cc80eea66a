using System.Reflection;
using System.Runtime.InteropServices;
using ActiveIT.Engine;

namespace ActiveIT.Runs;

/// <summary>What every result records about the code and the machine that produced it.</summary>
public sealed record RunEnvironment(
    string CodeVersion,
    string DotnetVersion,
    string TorchVersion,
    string Device,
    string Precision,
    int Threads,
    int ProcessorCount,
    string ThreadSettings,
    string Os,
    string Cpu,
    DateTimeOffset StartedAt)
{
    public static string Version =>
        typeof(RunEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static RunEnvironment Capture(string device)
    {
        var info = EngineRuntime.Info;
        return new RunEnvironment(Version, RuntimeInformation.FrameworkDescription, info.TorchVersion, device, EngineRuntime.DefaultPrecision.Name(), info.Threads,
            Environment.ProcessorCount, EngineRuntime.ThreadSettings,
            RuntimeInformation.OSDescription, EngineRuntime.CpuName, DateTimeOffset.UtcNow);
    }
}
