using System.Runtime.InteropServices;

namespace Bottleneck.Kernels;

/// <summary>
/// Keeps the memory libtorch frees inside the process, so that the next training step reuses it instead of asking the
/// kernel for fresh pages. glibc's malloc serves a block above its mmap threshold from a fresh mapping, and hands the
/// top of a heap back to the kernel once more than its trim threshold lies free there; both thresholds adapt upwards
/// only as far as the largest block freed so far (the trim threshold to twice that). A training step frees several
/// batch-sized tensors together at its end, which pushes the free top of the heap past that threshold: glibc returns
/// them, and the next step faults every page back in, zeroed by the kernel. Measured on deep (batch 256, one worker,
/// bench `profile-parallel`): 286 minor page faults and 1.4 ms of system CPU time per step of about 5 ms CPU; with
/// the thresholds raised, 8 faults and 0.03 ms, and the worker's CPU time per step fell by a quarter.
///
/// The mmap threshold goes to glibc's ceiling (32 MB on 64-bit), so every block below it comes from the heap and is
/// reused; the trim threshold goes to 256 MB, so up to that much freed memory stays resident between steps: a training
/// process's resident size then stays near its peak rather than following each step up and down (it stays flat over
/// epochs: bench/README.md, memory under a long run). Set once per process, before the first training step; glibc on
/// Linux only (<c>mallopt</c>), elsewhere nothing changes.
/// </summary>
internal static class NativeHeap
{
    // mallopt's parameters (glibc malloc.h)
    const int TrimThresholdParameter = -1, MmapThresholdParameter = -3;

    /// <summary>Blocks up to this size come from the heap: glibc's largest mmap threshold on 64-bit (HEAP_MAX_SIZE / 2).</summary>
    internal const int MmapThreshold = 32 << 20;

    /// <summary>Free memory at the top of a heap beyond this is returned to the kernel.</summary>
    internal const int TrimThreshold = 256 << 20;

    static readonly object gate = new();
    static bool? kept;

    /// <summary>
    /// Raises glibc's mmap and trim thresholds (once; later calls do nothing). Returns whether glibc accepted both:
    /// false on another C library or operating system, where the allocator is left as it was.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        lock (gate)
        {
            if (kept is { } done) return done;
            kept = false;
            if (!OperatingSystem.IsLinux()) return false;
            try
            {
                // mallopt returns 1 on success; setting either threshold also ends glibc's own adaptation of both.
                kept = mallopt(MmapThresholdParameter, MmapThreshold) == 1 && mallopt(TrimThresholdParameter, TrimThreshold) == 1;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
            return kept.Value;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int parameter, int value);
}
