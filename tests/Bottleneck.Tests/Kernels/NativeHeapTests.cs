using Bottleneck.Kernels;
using Xunit;

namespace Bottleneck.Tests.Kernels;

/// <summary>
/// glibc takes the raised thresholds once, and a second call changes nothing. What they buy — the memory a training
/// step frees reused by the next instead of faulted in afresh — is a speed and is measured by the benchmark
/// (`profile-parallel`, page faults per step with and without, bench/README.md), not here: a thread's page faults in
/// a test run also count the garbage collector's pages and other tests' frees, and varied from 585 to 8,516 in forty
/// steps with the thresholds raised.
/// </summary>
public class NativeHeapTests
{
    [Fact]
    public void Glibc_takes_the_thresholds_once()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(NativeHeap.KeepFreedMemory(), "glibc refused the thresholds");
        Assert.True(NativeHeap.KeepFreedMemory());   // a second call changes nothing and says so
    }
}
