using System.Runtime.InteropServices;

namespace Bottleneck.Bench;

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)): what a phase cost the core that
/// ran it, which other processes on a busy machine do not inflate the way they inflate wall time.
/// </summary>
internal static class ThreadClock
{
    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", SetLastError = true)]
    static extern int clock_gettime(int clock, out TimeSpec time);

    const int ThreadCpuTime = 3;   // CLOCK_THREAD_CPUTIME_ID

    /// <summary>Seconds of CPU this thread has used.</summary>
    public static double Seconds()
    {
        if (clock_gettime(ThreadCpuTime, out var t) != 0) throw new InvalidOperationException($"clock_gettime failed ({Marshal.GetLastWin32Error()})");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
