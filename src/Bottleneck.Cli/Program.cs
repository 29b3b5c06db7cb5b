using Bottleneck.Cli;

return CommandRunner.Run(BottleneckCommand.Create(), args);
