using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Kernels;

/// <summary>
/// With glibc's thresholds raised (as the Trainer does), the memory a training step frees is reused by the next step
/// instead of being returned to the kernel and faulted in again. Counted in the test thread's own minor page faults
/// (/proc/thread-self/stat), which other tests running at the same time do not add to.
/// </summary>
public class NativeHeapTests
{
    [Fact]
    public void A_training_step_reuses_the_memory_the_last_one_freed()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(NativeHeap.KeepFreedMemory(), "glibc refused the thresholds");
        Assert.True(NativeHeap.KeepFreedMemory());   // a second call changes nothing and says so
        using var data = TestData.LowRank(count: 256, size: 784);
        random.manual_seed(1);
        using var model = ModelFactory.Create(Presets.Get("deep").WithInputShape([784]));
        new Trainer().Fit(model, data, null, new TrainingOptions { Epochs = 2, BatchSize = 256, Seed = 1 });   // the heap grows to what a step needs
        long before = ThreadMinorFaults();
        new Trainer().Fit(model, data, null, new TrainingOptions { Epochs = 40, BatchSize = 256, Seed = 1 });   // forty steps on this thread (one worker)
        long faults = ThreadMinorFaults() - before;
        // Measured here: 1,232 faults alone and 585 among other tests (which share this thread's arena); with the
        // Trainer's call removed, 15,958 alone (each step faulting in its 1.6 MB of activations afresh) but only 1,650
        // among other tests, whose earlier large frees had already raised glibc's own adaptive thresholds.
        Assert.True(faults < 40 * 100, $"{faults} minor page faults in forty steps: freed memory was not reused");
    }

    // The calling thread's minor page faults so far (field 10 of /proc/thread-self/stat).
    static long ThreadMinorFaults()
    {
        var text = File.ReadAllText("/proc/thread-self/stat");
        return long.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[10 - 3]);
    }
}
