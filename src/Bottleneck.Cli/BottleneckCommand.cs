using System.CommandLine;
using System.CommandLine.Help;
using Bottleneck.Cli.Commands;

namespace Bottleneck.Cli;

/// <summary>The root `bottleneck` command and its subcommands.</summary>
internal static class BottleneckCommand
{
    /// <summary>The name users type; also the name the help's usage lines show.</summary>
    public const string Name = "bottleneck";

    public static Command Create()
    {
        // Not a RootCommand: that takes its name from the executable, so the help would say "Bottleneck.Cli" (the
        // assembly cannot be called "bottleneck", see the project file). The two options are what RootCommand adds.
        var root = new Command(Name, "Bottleneck: autoencoders for .NET. Train, evaluate and inspect the autoencoders of the chapter.\n\n" +
                                   "Start with 'bottleneck demo' (the chapter's complete MNIST example), or 'bottleneck train --help'.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(EncodeCommand.Create());
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(ReconstructCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(LrFindCommand.Create());
        root.Subcommands.Add(DiagnoseCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(AnomalyCommand.Create());
        root.Subcommands.Add(CompressCommand.Create());
        root.Subcommands.Add(DecompressCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(PcaCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(PcaEquivalenceCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(InterpolateCommand.Create());
        root.Subcommands.Add(ManifoldCommand.Create());
        root.Subcommands.Add(MapCommand.Create());
        root.Subcommands.Add(FiltersCommand.Create());
        root.Subcommands.Add(WorstCommand.Create());
        root.Subcommands.Add(ErrorsCommand.Create());
        root.Subcommands.Add(DenoiseCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        ShowHelpWhenCalledBare(root);
        return root;
    }

    /// <summary>
    /// A command that only groups others (`bottleneck`, `bottleneck anomaly`) prints its help and exits 0 when called
    /// with no subcommand: that is how a new user asks what it can do, not a mistake.
    /// </summary>
    static void ShowHelpWhenCalledBare(Command command)
    {
        if (command.Subcommands.Count == 0 || command.Action is not null) return;
        command.SetAction(parsed =>
        {
            new HelpAction().Invoke(parsed);
            return CommandRunner.Success;
        });
        foreach (var subcommand in command.Subcommands) ShowHelpWhenCalledBare(subcommand);
    }
}
