using System.Runtime.InteropServices;

namespace Bottleneck.Analysis;

/// <summary>
/// Keeps libtorch from printing a warning that is not the user's concern: building TorchSharp's L-BFGS makes libtorch
/// call its own deprecated Optimizer::parameters(), which prints "will be removed in PyTorch 1.6" to stderr every
/// time. Standard error is pointed at /dev/null for the duration of that one call (Linux and macOS; elsewhere nothing changes).
/// </summary>
internal static class NativeWarnings
{
    const int StandardError = 2;

    /// <summary>Runs <paramref name="work"/> with the process's standard error discarded.</summary>
    public static T Suppressed<T>(Func<T> work)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return work();
        int saved = Dup(StandardError);
        int devNull = saved < 0 ? -1 : Open("/dev/null", 1 /* O_WRONLY */);
        if (devNull < 0)
        {
            if (saved >= 0) Close(saved);
            return work();
        }
        Console.Error.Flush();
        Dup2(devNull, StandardError);
        Close(devNull);
        try { return work(); }
        finally
        {
            Dup2(saved, StandardError);
            Close(saved);
        }
    }

    [DllImport("libc", EntryPoint = "dup")] static extern int Dup(int fd);
    [DllImport("libc", EntryPoint = "dup2")] static extern int Dup2(int fd, int fd2);
    [DllImport("libc", EntryPoint = "close")] static extern int Close(int fd);
    [DllImport("libc", EntryPoint = "open")] static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
