using Bottleneck.Cli;

// glibc keeps freed blocks for reuse, so training's short-lived batch tensors ratchet resident memory up (3.4 GB where
// 1 GB suffices, DESIGN.md); serving large blocks by mmap returns them to the system at once.
Bottleneck.AllocatorTuning.Apply();
return CommandRunner.Run(BottleneckCommand.Create(), args);
