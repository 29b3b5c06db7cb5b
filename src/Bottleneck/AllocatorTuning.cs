using System.Runtime.InteropServices;

namespace Bottleneck;

/// <summary>
/// Tunes glibc's allocator for tensor workloads, as MALLOC_MMAP_THRESHOLD_=131072 would. Programs call it once at
/// start-up (the `bottleneck` command and the benchmark do); a library cannot know whether its host wants it.
/// </summary>
public static class AllocatorTuning
{
    const int MmapThreshold = -3;   // M_MMAP_THRESHOLD in malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>Allocations of 128 KiB and more go to mmap and are returned on free; harmless where glibc is absent.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return;
        try { Mallopt(MmapThreshold, 128 * 1024); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc: nothing to tune */ }
    }
}
