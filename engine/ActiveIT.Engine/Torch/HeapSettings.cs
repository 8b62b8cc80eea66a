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

    /// <summary>
    /// Gives the system back the freed memory the heap keeps. With blocks up to 32 MiB served from the heap, each of
    /// libtorch's threads fills an arena of its own with activations of every shape it saw, and glibc returns little
    /// of it: measured here, the arena's demo process held 5.9 GB after four experiments, of which malloc_trim gave back
    /// 3.6 GB (live tensors held the rest, and less). Called between rounds and training runs, not inside them, where the
    /// kept memory is what makes the steps fast.
    /// </summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: its allocator keeps no such arenas
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
