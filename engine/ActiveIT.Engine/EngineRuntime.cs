namespace ActiveIT.Engine;

/// <summary>Process-wide engine settings and facts: threads, CUDA, libtorch version, the machine's matmul rate.</summary>
public static unsafe class EngineRuntime
{
    /// <summary>Sets libtorch's intra-op threads and OpenBLAS's pool to the same count.</summary>
    public static void SetThreads(int threads) => NativeMethods.Check(NativeMethods.ait_runtime_set_threads(threads));

    /// <summary>Turns the fused CPU kernels (attention, GELU) on or off; off runs plain ATen ops, the reference they are tested against.</summary>
    public static void SetFusedKernels(bool enabled) => NativeMethods.Check(NativeMethods.ait_runtime_set_fused_kernels(enabled ? 1 : 0));

    /// <summary>Native models and trainers currently alive (created, not yet freed).</summary>
    public static (long Models, long Trainers) LiveObjects
    {
        get
        {
            NativeMethods.Check(NativeMethods.ait_runtime_live_objects(out var models, out var trainers));
            return (models, trainers);
        }
    }

    public static RuntimeInfo Info
    {
        get
        {
            NativeMethods.Check(NativeMethods.ait_runtime_get_info(out var info));
            var version = new string((sbyte*)info.TorchVersion);
            return new RuntimeInfo(info.NumThreads, info.CudaAvailable != 0, info.CudaDeviceCount, version);
        }
    }

    /// <summary>Thread-pool environment in effect for libtorch's OpenMP and OpenBLAS (see NativeLoader).</summary>
    public static string ThreadSettings
    {
        get
        {
            _ = Info;  // loads the engine, which sets the defaults
            return NativeLoader.ThreadSettings;
        }
    }

    /// <summary>The default device: cuda when libtorch sees a GPU, else cpu.</summary>
    public static string DefaultDevice => Info.CudaAvailable ? "cuda" : "cpu";

    /// <summary>Measured float32 GEMM rate (GFLOP/s) for an n×n×n product: the peak the benchmarks compare against.</summary>
    public static double MeasureMatmulGflops(int n = 1024, int iterations = 20)
    {
        NativeMethods.Check(NativeMethods.ait_runtime_matmul_gflops(n, n, n, iterations, out var gflops));
        return gflops;
    }
}
