using System.Reflection;
using System.Runtime.InteropServices;

namespace ActiveIT.Engine;

/// <summary>
/// Finds libactiveit_engine.so (ACTIVEIT_ENGINE_LIB, else next to this assembly) and, before libtorch and its
/// OpenMP runtime load, makes idle OpenMP threads sleep instead of spinning: OpenBLAS runs its own threads on the
/// same cores, and spinning OpenMP workers halve training speed on a 2-core machine (docs/performance.md).
/// </summary>
internal static partial class NativeLoader
{
    private static int _registered;

    internal static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library)
        {
            return 0;
        }
        // .NET keeps its own copy of the environment; libgomp reads the C one when it loads, so set it there.
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
        {
            _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
        var path = Environment.GetEnvironmentVariable("ACTIVEIT_ENGINE_LIB")
            ?? Path.Combine(AppContext.BaseDirectory, "libactiveit_engine.so");
        if (!File.Exists(path))
        {
            throw new DllNotFoundException($"native engine not found at {path}; build it with ./activeit or dotnet build (needs libtorch-dev)");
        }
        return NativeLibrary.Load(path);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
