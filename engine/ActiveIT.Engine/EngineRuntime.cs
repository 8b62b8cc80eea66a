using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ActiveIT.Engine;

/// <summary>Process-wide engine settings and facts: threads, precision, CUDA, libtorch version, the machine's matmul rates.</summary>
public static class EngineRuntime
{
    static EngineRuntime() => Torch.HeapSettings.Apply();

    private static readonly Lazy<RuntimeInfo> Facts = new(() =>
    {
        var cuda = cuda_is_available();
        return new RuntimeInfo(get_num_threads(), cuda, cuda ? torch.cuda.device_count() : 0, LibTorchVersion());
    });

    /// <summary>The precision models get when none is named: fp32 unless a run sets it (<c>--precision</c>).</summary>
    public static Precision DefaultPrecision { get; set; } = Precision.Fp32;

    private static int _threads;  // 0 until SetThreads: libtorch's own default
    [ThreadStatic] private static int _threadsHere;

    /// <summary>
    /// Sets libtorch's intra-op threads (its OpenMP pool, which MKL and oneDNN share) for every engine call from now on,
    /// on whichever thread it runs (<see cref="UseThreadsHere"/>).
    /// </summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1)
        {
            throw new EngineException("num_threads must be at least 1");
        }
        Volatile.Write(ref _threads, threads);
        UseThreadsHere();
    }

    /// <summary>
    /// Gives this thread the count <see cref="SetThreads"/> set. libtorch keeps, per thread, the count in force when the
    /// thread first ran an op, so a pool thread that ran one before (another command in the same process, or a query
    /// before the count was set) would otherwise run this call's ops with its old count: different reduction orders,
    /// different weights from the same seed. Every model call runs this first.
    /// </summary>
    internal static void UseThreadsHere()
    {
        var threads = Volatile.Read(ref _threads);
        if (threads > 0 && _threadsHere != threads)
        {
            set_num_threads(threads);
            _threadsHere = threads;
        }
    }

    /// <summary>Returns the heap memory that finished work freed to the system (<see cref="Torch.HeapSettings.Trim"/>): call it
    /// after a training run or a round, never inside one.</summary>
    public static void ReleaseFreedMemory() => Torch.HeapSettings.Trim();

    /// <summary>Models and trainers currently alive (created, not yet disposed or finalized).</summary>
    public static (long Models, long Trainers) LiveObjects => (GptModel.Live, GptTrainer.Live);

    public static RuntimeInfo Info => Facts.Value with { Threads = ThreadsHere() };

    private static int ThreadsHere()
    {
        UseThreadsHere();
        return get_num_threads();
    }

    /// <summary>How libtorch's threads are set, e.g. "intra-op 2, inter-op 2, OMP_WAIT_POLICY=PASSIVE".</summary>
    public static string ThreadSettings => string.Join(", ", new[] { $"intra-op {ThreadsHere()}", $"inter-op {get_num_interop_threads()}" }
        .Concat(new[] { "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS" }
            .Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
            .Where(p => p.value is not null)
            .Select(p => $"{p.name}={p.value}")));

    /// <summary>The default device: cuda when libtorch sees a GPU, else cpu.</summary>
    public static string DefaultDevice => Info.CudaAvailable ? "cuda" : "cpu";

    /// <summary>Whether the CPU has bfloat16 matrix instructions (AMX or AVX512-BF16 in /proc/cpuinfo): where bf16 should pay.</summary>
    public static bool CpuHasBf16Units
    {
        get
        {
            try
            {
                var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
                return flags.Split(' ').Any(f => f is "amx_bf16" or "avx512_bf16");
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>The processor's name (/proc/cpuinfo "model name"), for every benchmark table.</summary>
    public static string CpuName
    {
        get
        {
            try
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
            }
            catch (IOException)
            {
                return "unknown CPU";
            }
        }
    }

    /// <summary>
    /// Measured GEMM rate (GFLOP/s) for an n×n×n product in float32 or bf16 on a device: the best of five timings of
    /// <paramref name="iterations"/> products after a warm-up (a shared machine's speed drifts; the best is the peak).
    /// </summary>
    public static double MeasureMatmulGflops(int n = 1024, int iterations = 10, Precision precision = Precision.Fp32, string device = "cpu")
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var type = precision == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var target = GptModel.ParseDevice(device);
        var a = randn([n, n], type, target);
        var b = randn([n, n], type, target);
        for (var i = 0; i < iterations; i++)
        {
            mm(a, b).Dispose();  // warm-up: thread pool, caches, clock
        }
        var best = 0.0;
        for (var trial = 0; trial < 5; trial++)
        {
            Synchronize(target);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                mm(a, b).Dispose();
            }
            Synchronize(target);
            best = Math.Max(best, 2.0 * n * n * n * iterations / watch.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    internal static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            cuda.synchronize(device);
        }
    }

    private static string LibTorchVersion()
    {
        // TorchSharp reports its libtorch as an assembly version (2.10.0.0); print it as PyTorch does.
        var version = typeof(torch).Assembly.GetName().Version;
        var libtorch = __version__;
        return string.IsNullOrEmpty(libtorch) ? version?.ToString() ?? "unknown" : libtorch.EndsWith(".0", StringComparison.Ordinal) && libtorch.Count(c => c == '.') == 3 ? libtorch[..^2] : libtorch;
    }
}
