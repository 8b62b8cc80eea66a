using System.CommandLine;
using ActiveIT.Engine;

namespace ActiveIT.Client;

/// <summary>The --threads and --device options every command that runs the engine takes.</summary>
internal sealed class EngineOptions
{
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Engine threads (libtorch and OpenBLAS); default: all cores",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:N; default: cuda when libtorch sees a GPU, else cpu",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        command.Options.Add(Device);
    }

    /// <summary>Applies the thread count and returns the device to use.</summary>
    public string Apply(ParseResult result)
    {
        EngineRuntime.SetThreads(result.GetValue(Threads));
        return result.GetValue(Device) ?? EngineRuntime.DefaultDevice;
    }
}
