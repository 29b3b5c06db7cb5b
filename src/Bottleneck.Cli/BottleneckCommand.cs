using System.CommandLine;
using Bottleneck.Cli.Commands;

namespace Bottleneck.Cli;

/// <summary>The root `bottleneck` command and its subcommands.</summary>
public static class BottleneckCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Bottleneck: autoencoders for .NET. Train, evaluate and inspect the autoencoders of the chapter.\n\n" +
                                   "Start with 'bottleneck demo' (the chapter's complete MNIST example), or 'bottleneck train --help'.");
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
        return root;
    }
}
