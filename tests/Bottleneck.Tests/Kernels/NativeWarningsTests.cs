using System.Diagnostics;
using Bottleneck.Kernels;
using Bottleneck.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Kernels;

/// <summary>
/// libtorch's stray warnings are silenced through libtorch's own settings, never by pointing the process's standard error
/// elsewhere (which would also swallow what the program writes there meanwhile).
/// </summary>
public class NativeWarningsTests
{
    static string StandardErrorTarget() => new FileInfo("/proc/self/fd/2").LinkTarget ?? "";

    [Fact]
    public void Suppressing_leaves_the_process_standard_error_where_it_was()
    {
        using var load = zeros(1);   // libtorch loaded, as at every real call
        var before = StandardErrorTarget();
        var during = NativeWarnings.Suppressed(StandardErrorTarget);
        Assert.Equal(before, during);
        Assert.NotEqual("/dev/null", during);
    }

    [Fact]
    public void Suppressing_raises_libtorchs_log_threshold_to_errors_for_the_call_only()
    {
        using var load = zeros(1);
        var before = NativeWarnings.LogLevel;
        Assert.NotNull(before);
        var during = NativeWarnings.Suppressed(() => NativeWarnings.LogLevel);
        var nested = NativeWarnings.Suppressed(() => NativeWarnings.Suppressed(() => 0) + NativeWarnings.LogLevel!.Value);
        Assert.True(during >= 2, $"threshold {during} during the call (2 = ERROR)");
        Assert.True(nested >= 2, "an inner call ending must not lower the outer call's threshold");
        Assert.Equal(before, NativeWarnings.LogLevel);
    }

    [Fact]
    public void Nnpack_is_switched_off_only_where_it_cannot_start()
    {
        using var load = zeros(1);
        var before = NativeWarnings.NnpackEnabled;
        try
        {
            NativeWarnings.NnpackEnabled = true;
            NativeWarnings.DisableNnpackUnless(() => true);
            Assert.True(NativeWarnings.NnpackEnabled);
            NativeWarnings.DisableNnpackUnless(() => false);
            Assert.False(NativeWarnings.NnpackEnabled);
            // Convolutions still run, on another of libtorch's kernels: a 2×2 sum of ones over a 3×3 image of ones is 4.
            using var y = nn.functional.conv2d(ones(16, 1, 3, 3), ones(1, 1, 2, 2));
            Assert.Equal(16 * 2 * 2 * 4.0, y.sum().item<float>());
        }
        finally { NativeWarnings.NnpackEnabled = before; }
    }

    /// <summary>
    /// End to end on a CPU without NNPACK, stood in for by a one-line C library that answers "unsupported hardware" to
    /// libtorch's nnp_initialize (loaded first with LD_PRELOAD). Before the fix `info` on conv-transpose printed
    /// "Could not initialize NNPACK!" eight times. Needs a C compiler; on a machine without one there is nothing to run.
    /// </summary>
    [Fact]
    public void Info_on_a_cpu_without_nnpack_prints_no_nnpack_warning()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var folder = new TempFolder();
        File.WriteAllText(folder["unsupported.c"], "int nnp_initialize(void) { return 51; }  /* nnp_status_unsupported_hardware */\n");
        var shim = folder["libnnpack_unsupported.so"];
        Process? gcc;
        try { gcc = Process.Start(new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-o", shim, folder["unsupported.c"]]) { RedirectStandardError = true }); }
        catch (System.ComponentModel.Win32Exception) { return; }   // no C compiler
        gcc!.WaitForExit();
        Assert.True(gcc.ExitCode == 0, gcc.StandardError.ReadToEnd());

        var result = CliRunner.Run(folder.Path, new Dictionary<string, string> { ["LD_PRELOAD"] = shim }, "info", "--model", "conv-transpose");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Total params: 74,497", result.Stdout);
        Assert.DoesNotContain("NNPACK", result.Stderr);
    }
}
