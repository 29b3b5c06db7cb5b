using Bottleneck.Cli;
using Bottleneck.Kernels;

ConsoleWidth.Apply();
// A convolution kernel that is wrong on this CPU is replaced by a checked path; say so once per shape.
KernelGuard.FallbackChosen += decision => Console.Error.WriteLine($"bottleneck: warning: {decision}");
return CommandRunner.Run(BottleneckCommand.Create(), args);
