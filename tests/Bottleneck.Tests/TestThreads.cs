using System.Runtime.CompilerServices;

namespace Bottleneck.Tests;

/// <summary>
/// Tests run torch on one thread, as the CLI does by default: with two OpenMP threads and the other core busy (other
/// builds, other test hosts), a tiny conv training took 11-28 s instead of about 1 s here, from spinning barriers.
/// </summary>
static class TestThreads
{
    [ModuleInitializer]
    internal static void OneThread() => TorchSharp.torch.set_num_threads(1);
}
