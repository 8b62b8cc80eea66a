using System.Reflection;
using System.Runtime.InteropServices;

namespace ActiveIT.Engine;

/// <summary>
/// Finds libactiveit_engine.so (ACTIVEIT_ENGINE_LIB, else next to this assembly) and, before libtorch, OpenMP and
/// OpenBLAS load, makes both thread pools sleep soon after their work ends instead of spinning: they share the same
/// cores, and a spinning pool starves the other (2.4x on training with OpenMP, +8-15% more with OpenBLAS;
/// docs/performance.md). Values already in the environment win.
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
        _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        _ = setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);
        var path = Environment.GetEnvironmentVariable("ACTIVEIT_ENGINE_LIB")
            ?? Path.Combine(AppContext.BaseDirectory, "libactiveit_engine.so");
        if (!File.Exists(path))
        {
            throw new DllNotFoundException($"native engine not found at {path}; build it with ./activeit or dotnet build (needs libtorch-dev)");
        }
        return NativeLibrary.Load(path);
    }

    /// <summary>The thread settings in effect in the C environment, e.g. "OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4".</summary>
    internal static string ThreadSettings => string.Join(' ', new[] { "OMP_WAIT_POLICY", "OPENBLAS_THREAD_TIMEOUT", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS" }
        .Select(name => (name, value: Marshal.PtrToStringUTF8(getenv(name))))
        .Where(p => p.value is not null)
        .Select(p => $"{p.name}={p.value}"));

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint getenv(string name);
}
