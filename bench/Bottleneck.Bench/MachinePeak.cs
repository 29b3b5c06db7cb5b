using System.Diagnostics;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>What this CPU does at best: float32 matrix multiply GFLOP/s with the current thread setting.</summary>
internal static class MachinePeak
{
    public static double MatmulGflops(int size = 1024, int repeats = 20)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size);
        var b = randn(size, size);
        a.mm(b);   // warm-up
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) a.mm(b).Dispose();
        return 2.0 * size * size * size * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }
}
