using Bottleneck.Cli;

ConsoleWidth.Apply();
return CommandRunner.Run(BottleneckCommand.Create(), args);
