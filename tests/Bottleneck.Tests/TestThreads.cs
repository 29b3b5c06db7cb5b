using System.Runtime.CompilerServices;

namespace Bottleneck.Tests;

/// <summary>
/// Tests run tensor work on one thread, as the CLI does by default: on a shared 2-core machine libtorch's default of two
/// spinning OpenMP threads made a small convolutional training test take 28 s instead of 1 s.
/// </summary>
static class TestThreads
{
    [ModuleInitializer]
    internal static void UseOneThread() => TorchSharp.torch.set_num_threads(1);
}
