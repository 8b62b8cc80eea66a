using System.CommandLine;
using ActiveIT.Engine;

namespace ActiveIT.Client;

/// <summary>The --threads, --device and --precision options every command that runs the engine takes.</summary>
/// <param name="precision">Whether the command takes --precision.</param>
/// <param name="fastDefault">Default to bf16 where the CPU has bfloat16 matrix units (AVX512-BF16 or AMX) or a GPU is
/// there, else fp32: for demos whose stated times were measured in bf16.</param>
internal sealed class EngineOptions(bool precision = true, bool fastDefault = false)
{
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Engine threads (libtorch's intra-op pool); default: all cores",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:N; default: cuda when libtorch sees a GPU, else cpu",
    };

    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "fp32, or bf16: matrix products and attention in bfloat16 (fast on CPUs with AMX or AVX512-BF16, and on GPUs), " +
            "weights, optimizer state and loss in float32",
        DefaultValueFactory = _ => fastDefault && (EngineRuntime.CpuHasBf16Units || EngineRuntime.DefaultDevice != "cpu") ? "bf16" : "fp32",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        command.Options.Add(Device);
        if (precision)
        {
            Precision.AcceptOnlyFromAmong("fp32", "bf16");
            command.Options.Add(Precision);
        }
    }

    /// <summary>Applies the thread count and precision and returns the device to use.</summary>
    public string Apply(ParseResult result)
    {
        EngineRuntime.SetThreads(result.GetValue(Threads));
        if (precision)
        {
            EngineRuntime.DefaultPrecision = PrecisionNames.Parse(result.GetValue(Precision)!);
        }
        return result.GetValue(Device) ?? EngineRuntime.DefaultDevice;
    }
}
