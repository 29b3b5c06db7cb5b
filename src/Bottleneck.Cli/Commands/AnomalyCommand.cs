using System.CommandLine;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck anomaly`: the chapter's anomaly detection (§8.4) as three steps, fit, score and evaluate.</summary>
internal static class AnomalyCommand
{
    public static Command Create()
    {
        var command = new Command("anomaly", """
            Anomaly detection by reconstruction error (§8.4): train an autoencoder on normal data only, set a threshold
            on held-out normal errors, flag what the model cannot reconstruct.

            Examples:
              bottleneck anomaly fit --data mnist --model deep --anomaly-class 9 --out runs/no-nines
              bottleneck anomaly evaluate --model runs/no-nines --data mnist
              bottleneck anomaly fit --data normal.csv --model spec.json --out runs/detector
              bottleneck anomaly score --model runs/detector --data new-rows.csv --out scores.csv
            """);
        command.Subcommands.Add(AnomalyFitCommand.Create());
        command.Subcommands.Add(AnomalyScoreCommand.Create());
        command.Subcommands.Add(AnomalyEvaluateCommand.Create());
        return command;
    }
}
