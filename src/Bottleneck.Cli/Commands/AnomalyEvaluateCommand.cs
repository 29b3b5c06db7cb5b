using System.CommandLine;
using System.Globalization;
using System.Text;
using Bottleneck.Analysis.Anomaly;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Render;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// `bottleneck anomaly evaluate`: ROC AUC, average precision and precision/recall/F1 at the threshold on labelled data,
/// with the PCA and k-NN baselines beside the autoencoder, the error histogram and the ROC curves.
/// </summary>
public static class AnomalyEvaluateCommand
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
        var threads = SharedOptions.Threads();
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
            """) { model, anomalyClass, normalClasses, output, noBaselines, trainData, knnK, knnReference, seed, threads, json };
        selection.AddTo(command);
        command.SetAction(CommandRunner.Guard("anomaly evaluate", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
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

            NormalData? normal = null;
            LoadedData? trainLoaded = null;
            try
            {
                if (!parsed.GetValue(noBaselines))
                    (normal, trainLoaded) = RebuildNormalData(detector.Settings, parsed.GetValue(trainData));
                var result = AnomalyEvaluation.Run(detector, data, truth, normal, new BaselineOptions
                {
                    KnnK = parsed.GetValue(knnK), KnnReference = parsed.GetValue(knnReference), Seed = parsed.GetValue(seed),
                });
                Directory.CreateDirectory(outDirectory);
                var report = AnomalyEvaluationReport.Of(result, loaded.Name, data.Name);
                var reportPath = Path.Combine(outDirectory, "evaluation.json");
                AtomicFile.WriteAllText(reportPath, FiniteJson.Serialize(report.ToJson(), reportPath, ResultJson.Indented));
                WriteScores(Path.Combine(outDirectory, "scores.csv"), result, data.Labels);
                DrawFigures(outDirectory, result, detector.Settings, $"{(File.Exists(data.Name) ? Path.GetFileName(data.Name) : data.Name)}, {Describe(data.Labels!, truth)}");
                if (parsed.GetValue(json)) Console.WriteLine(FiniteJson.Serialize(report.ToJson(), "--json"));
                else Print(result, outDirectory);
            }
            finally
            {
                normal?.Dispose();
                trainLoaded?.Dispose();
            }
            return CommandRunner.Success;
        }));
        return command;
    }

    /// <summary>The detector's normal training data, rebuilt exactly as anomaly fit selected it.</summary>
    static (NormalData, LoadedData) RebuildNormalData(AnomalySettings settings, string? overridePath)
    {
        var source = overridePath ?? settings.Data;
        LoadedData loaded;
        try { loaded = DataSource.Load(source, settings.DataOptions); }
        catch (BadInputException e) when (overridePath is null)
        {
            throw new BadInputException($"the baselines need the detector's normal training data, which is not where model.json says ({OptionFlags.Describe(e)}); give --train-data PATH or --no-baselines");
        }
        try
        {
            var normal = NormalData.Select(loaded.Train, settings.NormalClasses, settings.Limit, settings.Holdout);
            if (normal.Fit.Count != settings.TrainingSamples || normal.Holdout.Count != settings.HoldoutSamples)
            {
                var (fit, held) = (normal.Fit.Count, normal.Holdout.Count);
                normal.Dispose();
                throw new BadInputException($"{source}: rebuilding the normal training data gives {fit:N0} + {held:N0} samples, but the detector was fitted on " +
                                            $"{settings.TrainingSamples:N0} + {settings.HoldoutSamples:N0} (has the data changed? give --train-data or --no-baselines)");
            }
            return (normal, loaded);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    static void WriteScores(string path, AnomalyEvaluationResult result, int[]? labels)
    {
        var text = new StringBuilder("row,");
        if (labels is not null) text.Append("label,");
        text.Append("is_anomaly,").AppendJoin(',', result.Methods.Select(m => ColumnName(m.Name))).Append('\n');
        for (int i = 0; i < result.IsAnomaly.Length; i++)
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',');
            if (labels is not null) text.Append(labels[i].ToString(CultureInfo.InvariantCulture)).Append(',');
            text.Append(result.IsAnomaly[i] ? '1' : '0');
            foreach (var m in result.Methods) text.Append(',').Append(((float)m.Scores[i]).ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    static string ColumnName(string method) => method.StartsWith("PCA") ? "pca" : method.StartsWith("k-NN") ? "knn" : "autoencoder";

    static void DrawFigures(string directory, AnomalyEvaluationResult result, AnomalySettings settings, string dataName)
    {
        var ae = result.Methods[0];
        // Reconstruction errors have long tails: a few huge ones would squeeze everything else into one bar. Values
        // beyond the 99.5th percentile (and beyond 1.5 × the threshold) are counted in the last bin, and the axis says so.
        double cap = Math.Max(Percentile.Of(ae.Scores, 99.5), 1.5 * ae.Threshold);
        int beyond = ae.Scores.Count(v => v > cap);
        double[] Clip(bool anomalous) => ae.Scores.Where((_, i) => result.IsAnomaly[i] == anomalous).Select(v => Math.Min(v, cap)).ToArray();
        HistogramPlot.SavePng(Path.Combine(directory, "error-histogram.png"),
            $"Reconstruction error ({dataName})",
            "Reconstruction error (MSE per value)" + (beyond > 0 ? $"; the {beyond:N0} above {cap.ToString("G3", CultureInfo.InvariantCulture)} are in the last bin" : ""),
            [($"Normal ({result.Normal:N0})", Clip(false)), ($"Anomaly ({result.Anomalies:N0})", Clip(true))],
            bins: 50, thresholdLine: ae.Threshold,
            thresholdLabel: $"Threshold = {ae.Threshold.ToString("G4", CultureInfo.InvariantCulture)} ({settings.Percentile.ToString("0.###", CultureInfo.InvariantCulture)}th pct. of held-out normal)",
            normalize: true);
        RocPlot.SavePng(Path.Combine(directory, "roc.png"), $"ROC curves: {dataName}",
            result.Methods.Select(m =>
            {
                var curve = m.Curve.WithoutCollinearPoints();
                return new RocSeries(m.Name, curve.FalsePositiveRate, curve.TruePositiveRate, m.RocAuc,
                    (m.AtThreshold.FalsePositiveRate, m.AtThreshold.Recall));
            }).ToList());
    }

    /// <summary>Which labels are which, in the fewest words: "anomaly = label 9", "normal = label 0", "anomaly = labels 1, 2".</summary>
    static string Describe(int[] labels, bool[] isAnomaly)
    {
        string List(IEnumerable<int> set)
        {
            var sorted = set.Distinct().Order().ToArray();
            return sorted.Length == 1 ? $"label {sorted[0]}" : $"labels {string.Join(", ", sorted.Take(6))}{(sorted.Length > 6 ? ", ..." : "")}";
        }
        var anomalous = labels.Where((_, i) => isAnomaly[i]).Distinct().ToArray();
        var normal = labels.Where((_, i) => !isAnomaly[i]).Distinct().ToArray();
        return normal.Length < anomalous.Length ? $"normal = {List(normal)}" : $"anomaly = {List(anomalous)}";
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
        foreach (var v in result.Verdicts) AnsiConsole.MarkupLine(v.Contains("BEATS") ? $"[bold yellow]{Markup.Escape(v)}[/]" : Markup.Escape(v));
        foreach (var n in result.Notes) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(n)}[/]");
        AnsiConsole.MarkupLine($"wrote evaluation.json, scores.csv, error-histogram.png and roc.png to {Markup.Escape(Path.GetFullPath(directory))}");
    }
}
