using Bottleneck.Cli;
using Bottleneck.Kernels;

ConsoleWidth.Apply();
// A convolution kernel that is wrong on this CPU is replaced by a checked path; say so once per shape.
KernelGuard.FallbackChosen += decision => Console.Error.WriteLine($"bottleneck: warning: {decision}");
// The tool owns its process: freed tensors stay in it for the next training step instead of being faulted in afresh
// (a quarter of deep's step). The library leaves glibc's allocator alone; a process-wide setting is its host's choice.
NativeHeap.KeepFreedMemory();
return CommandRunner.Run(BottleneckCommand.Create(), args);
