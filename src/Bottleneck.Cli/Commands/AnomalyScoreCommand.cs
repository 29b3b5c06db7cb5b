using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.IO;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck anomaly score`: a score and a 0/1 flag per row, streaming through CSV files of any size.</summary>
internal static class AnomalyScoreCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A detector folder written by 'bottleneck anomaly fit'");
        // No --limit: a CSV is streamed whatever its size.
        var selection = new DataSelection(description: "Data to score: a .csv (read a chunk at a time, any size), or mnist, fashion-mnist, .npy, .npz, an IDX folder", withLimit: false);
        var output = new Option<string>("--out", "-o") { Description = "Where to write the scores: a .csv with row,score,anomaly (and label when the data has labels)", Required = true };
        var chunkRows = new Option<int>("--chunk-rows") { Description = "CSV rows read and scored at a time", DefaultValueFactory = _ => AnomalyScoring.DefaultChunkRows };
        var json = SharedOptions.Json();
        var command = new Command("score", """
            Score data with a fitted detector: each row's reconstruction error (MSE per value, after the detector's own
            scaling) and 1 where it exceeds the threshold, 0 otherwise (§8.4 step 4). A CSV is streamed: read, scored and
            written a chunk of rows at a time, so files larger than memory work; the output appears only when complete.
            A CSV must have the training data's feature columns (a label column, if any, named with --label-column).

            Examples:
              bottleneck anomaly score --model runs/detector --data new-rows.csv --out scores.csv
              bottleneck anomaly score --model runs/no-nines --data mnist --out mnist-scores.csv
            """) { model, output, chunkRows, json };
        selection.AddTo(command);
        CommandAction.Set(command, "anomaly score", parsed =>
        {
            var dataArgument = selection.Argument(parsed)!;
            var outPath = parsed.GetRequiredValue(output);
            OutputPath.CheckFile(outPath);
            int chunk = parsed.GetValue(chunkRows);
            if (chunk < 1) throw new BadInputException($"--chunk-rows: expected at least 1, got {chunk}");
            using var detector = AnomalyDetector.Load(parsed.GetRequiredValue(model));
            var extension = Path.GetExtension(dataArgument).ToLowerInvariant();
            ScoringSummary summary;
            if ((extension is ".csv" or ".tsv") && File.Exists(dataArgument))
            {
                var options = selection.Csv(parsed, extension == ".tsv" ? '\t' : ',');
                summary = AnomalyScoring.ScoreCsv(detector, dataArgument, options, outPath, chunk);
            }
            else
            {
                var chosen = selection.Load(parsed, out var loaded);
                using var owned = loaded;
                summary = AnomalyScoring.ScoreDataset(detector, chosen, outPath);
            }
            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["rows"] = summary.Rows, ["flagged"] = summary.Flagged, ["threshold"] = summary.Threshold,
                    ["mean_score"] = summary.MeanScore, ["max_score"] = summary.MaxScore, ["out"] = outPath,
                }.ToJsonString());
                return CommandRunner.Success;
            }
            Console.WriteLine($"scored {summary.Rows:N0} rows: {summary.Flagged:N0} flagged as anomalies " +
                              $"({(100.0 * summary.Flagged / summary.Rows).ToString("F2", CultureInfo.InvariantCulture)}%, score > {summary.Threshold.ToString("G6", CultureInfo.InvariantCulture)}); " +
                              $"mean score {summary.MeanScore.ToString("G5", CultureInfo.InvariantCulture)} (MSE per value); wrote {outPath}");
            return CommandRunner.Success;
        });
        return command;
    }
}
