using System.Runtime.InteropServices;

namespace Bottleneck.Kernels;

/// <summary>
/// Keeps libtorch from printing warnings that are not the user's concern, through libtorch's own settings: the process's
/// standard error is never touched, so nothing the program itself writes there is lost. Two warnings are concerned:
/// building TorchSharp's L-BFGS calls libtorch's deprecated Optimizer::parameters(), which prints "will be removed in
/// PyTorch 1.6"; and on a CPU where NNPACK cannot start, libtorch prints "Could not initialize NNPACK!" on every
/// convolution it considers NNPACK for. Linux and macOS (where libtorch's C++ names are the ones used here); elsewhere,
/// or if a name is missing from a future libtorch, nothing changes and the warnings simply show.
/// </summary>
internal static class NativeWarnings
{
    // c10's logging threshold (c10/util/Logging.cpp): messages below it are dropped. 1 is WARNING (the default), 2 ERROR.
    const int ErrorLevel = 2;
    const string C10 = "libc10", TorchCpu = "libtorch_cpu";

    static readonly object gate = new();
    static int suppressing;        // nesting depth of Suppressed, under gate
    static int savedLevel;
    static bool nnpackChecked;
    static readonly Lazy<IntPtr> logLevel = new(FindLogLevel);

    /// <summary>Runs <paramref name="work"/> with libtorch's warnings (not its errors) dropped.</summary>
    public static T Suppressed<T>(Func<T> work)
    {
        var level = logLevel.Value;
        if (level == IntPtr.Zero) return work();
        lock (gate)
        {
            if (suppressing++ == 0) savedLevel = Marshal.ReadInt32(level);
            Marshal.WriteInt32(level, Math.Max(savedLevel, ErrorLevel));
        }
        try { return work(); }
        finally
        {
            lock (gate)
                if (--suppressing == 0) Marshal.WriteInt32(level, savedLevel);
        }
    }

    /// <summary>
    /// Turns NNPACK off in libtorch when it cannot start on this CPU, as <c>torch.backends.nnpack.set_flags(False)</c>
    /// does in Python: libtorch then stops asking for it (and warning) before each convolution. Where NNPACK works it is
    /// left on. The first call decides, before the first model is built; later calls do nothing.
    /// </summary>
    public static void DisableNnpackWhereUnavailable()
    {
        lock (gate)
        {
            if (nnpackChecked) return;
            nnpackChecked = true;
            DisableNnpackUnless(NnpackAvailable);
        }
    }

    /// <summary>The switch itself, with the availability test given, so that a test can stand in for a CPU without NNPACK.</summary>
    internal static void DisableNnpackUnless(Func<bool> available)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        try
        {
            if (!available()) NnpackEnabled = false;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>libtorch's own switch for NNPACK (<c>torch.backends.nnpack.enabled</c>); on unless turned off here.</summary>
    internal static bool NnpackEnabled
    {
        get => UserEnabledNnpack(GlobalContext());
        set => SetUserEnabledNnpack(GlobalContext(), value);
    }

    /// <summary>c10's logging threshold now, or null where it cannot be reached.</summary>
    internal static int? LogLevel => logLevel.Value is var address && address != IntPtr.Zero ? Marshal.ReadInt32(address) : null;

    // Asking libtorch is what prints the warning when the answer is no, so it is asked with warnings dropped.
    static bool NnpackAvailable() => Suppressed(NnpackAvailableNative);

    static IntPtr FindLogLevel()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return IntPtr.Zero;
        // TorchSharp has loaded libc10 by the time anything here runs (a tensor exists), so this finds the loaded copy.
        if (!NativeLibrary.TryLoad(C10, typeof(NativeWarnings).Assembly, null, out var library)) return IntPtr.Zero;
        return NativeLibrary.TryGetExport(library, "FLAGS_caffe2_log_level", out var address) ? address : IntPtr.Zero;
    }

    // at::globalContext(), at::Context::setUserEnabledNNPACK(bool), at::Context::userEnabledNNPACK() const and
    // at::native::_nnpack_available(), by their Itanium C++ names; a member function takes `this` as its first argument.
    [DllImport(TorchCpu, EntryPoint = "_ZN2at13globalContextEv")] static extern IntPtr GlobalContext();
    [DllImport(TorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")] static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
    [DllImport(TorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")] [return: MarshalAs(UnmanagedType.U1)] static extern bool UserEnabledNnpack(IntPtr context);
    [DllImport(TorchCpu, EntryPoint = "_ZN2at6native17_nnpack_availableEv")] [return: MarshalAs(UnmanagedType.U1)] static extern bool NnpackAvailableNative();
}
