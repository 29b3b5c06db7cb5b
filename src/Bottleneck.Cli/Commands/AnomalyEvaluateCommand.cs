using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Anomaly;
using Bottleneck.IO;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// `bottleneck anomaly evaluate`: ROC AUC, average precision and precision/recall/F1 at the threshold on labelled data,
/// with the PCA and k-NN baselines beside the autoencoder, the error histogram and the ROC curves.
/// </summary>
internal static class AnomalyEvaluateCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A detector folder written by 'bottleneck anomaly fit'");
        var selection = new DataSelection();
        var anomalyClass = new Option<int?>("--anomaly-class") { Description = "The label that marks anomalies (default: any label outside the detector's normal classes; for a 0/1 label column, 1)" };
        var normalClasses = new Option<string?>("--normal-classes") { Description = "The labels that are normal, e.g. 0,1; every other label is an anomaly" };
        var output = new Option<string?>("--out", "-o") { Description = "Folder for evaluation.json, scores.csv, error-histogram.png and roc.png (default MODEL/evaluation)" };
        var noBaselines = new Option<bool>("--no-baselines") { Description = "Score with the autoencoder only (no PCA or k-NN)" };
        var trainData = new Option<string?>("--train-data") { Description = "Where the detector's normal training data is now, for the baselines (default: as recorded in model.json)" };
        var knnK = new Option<int>("--knn-k") { Description = "Neighbours of the k-NN baseline (score = distance to the k-th)", DefaultValueFactory = _ => new BaselineOptions().KnnK };
        var knnReference = new Option<int?>("--knn-reference") { Description = "Compare with a random subsample of at most N normal training samples (default: all)" };
        var seed = SharedOptions.Seed();
        var json = SharedOptions.Json();
        var command = new Command("evaluate", """
            Evaluate a detector on labelled data (§8.4): ROC AUC (ties counted half, as scikit-learn), average precision,
            and precision, recall and F1 at the threshold, for the autoencoder and for two baselines fitted on the same
            normal training data: PCA reconstruction error (as many components as the code has values) and the distance
            to the 5th nearest normal training sample. It says plainly when a baseline beats the autoencoder (a win
            only when DeLong's test puts the AUC difference beyond sampling noise, p < 0.05).
            Writes error-histogram.png, roc.png, evaluation.json and scores.csv.

            Examples:
              bottleneck anomaly evaluate --model runs/no-nines --data mnist
              bottleneck anomaly evaluate --model runs/detector --data test.csv --label-column y
            """) { model, anomalyClass, normalClasses, output, noBaselines, trainData, knnK, knnReference, seed, json };
        selection.AddTo(command);
        CommandAction.Set(command, "anomaly evaluate", parsed =>
        {
            var modelDirectory = parsed.GetRequiredValue(model);
            var normalList = ClassList.Parse(parsed.GetValue(normalClasses), "--normal-classes");
            if (parsed.GetValue(knnReference) is < 1) throw new BadInputException($"--knn-reference: expected a positive number of samples, got {parsed.GetValue(knnReference)}");
            var outDirectory = parsed.GetValue(output) ?? Path.Combine(modelDirectory, "evaluation");
            OutputPath.CheckFolder(outDirectory);
            using var detector = AnomalyDetector.Load(modelDirectory);
            var data = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            detector.CheckWidth(data.SampleSize, data.Name);
            var truth = AnomalyEvaluation.Truth(data, detector.Settings, parsed.GetValue(anomalyClass), normalList);
            using var normal = parsed.GetValue(noBaselines) ? null : DetectorTrainingData.Rebuild(detector.Settings, parsed.GetValue(trainData));
            var baselines = new BaselineOptions { KnnK = parsed.GetValue(knnK), KnnReference = parsed.GetValue(knnReference), Seed = parsed.GetValue(seed) };
            var result = ConsoleProgress.Run(progress => AnomalyEvaluation.Run(detector, data, truth, normal, baselines, progress));
            AnomalyEvaluationFolder.Write(outDirectory, result, data, loaded.Name, detector.Settings);
            if (parsed.GetValue(json)) Console.WriteLine(FiniteJson.Serialize(AnomalyEvaluationFolder.Report(result, data.Name, loaded.Name).ToJson(), "--json"));
            else Print(result, outDirectory);
            return CommandRunner.Success;
        });
        return command;
    }

    static void Print(AnomalyEvaluationResult result, string directory)
    {
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        AnsiConsole.MarkupLine($"{result.IsAnomaly.Length:N0} samples: {result.Anomalies:N0} anomalies, {result.Normal:N0} normal");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("method");
        foreach (var c in new[] { "ROC AUC", "AP", "threshold", "precision", "recall", "F1", "flagged" })
            table.AddColumn(new TableColumn(c).RightAligned());
        foreach (var m in result.Methods)
            table.AddRow(Markup.Escape(m.Name), F(m.RocAuc), F(m.AveragePrecision), m.Threshold.ToString("G4", CultureInfo.InvariantCulture),
                F(m.AtThreshold.Precision), F(m.AtThreshold.Recall), F(m.AtThreshold.F1),
                (m.AtThreshold.TruePositives + m.AtThreshold.FalsePositives).ToString("N0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]AP = average precision; precision, recall and F1 at each method's threshold (score > threshold is flagged)[/]");
        // One verdict per comparison, in the same order: a baseline that wins is the news.
        foreach (var (verdict, comparison) in result.Verdicts.Zip(result.Comparisons))
            AnsiConsole.MarkupLine(comparison.BaselineWins ? $"[bold yellow]{Markup.Escape(verdict)}[/]" : Markup.Escape(verdict));
        foreach (var n in result.Notes) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(n)}[/]");
        AnsiConsole.MarkupLine($"wrote evaluation.json, scores.csv, error-histogram.png and roc.png to {Markup.Escape(Path.GetFullPath(directory))}");
    }
}
