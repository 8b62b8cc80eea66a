using System.Runtime.InteropServices;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// Keeps freed tensor memory in the process heap. libtorch's CPU allocator takes every block from malloc; glibc serves
/// blocks above its mmap threshold (128 KiB at first) with fresh mappings and returns them to the system on free, so
/// each training step page-faults its activations in again. Raising the threshold to glibc's maximum (32 MiB) and the
/// trim threshold to 256 MiB keeps them: measured here, a (4096×128)·(128×128) product went from 25 to 59 GFLOP/s in
/// float32 and 53 to 179 in bf16 (docs/performance.md). A no-op off glibc.
/// </summary>
internal static partial class HeapSettings
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private static int _applied;

    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1 || !OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            _ = mallopt(MMmapThreshold, 32 << 20);
            _ = mallopt(MTrimThreshold, 256 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (musl has no mallopt): nothing to tune
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
