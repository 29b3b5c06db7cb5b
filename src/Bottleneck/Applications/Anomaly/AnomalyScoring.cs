using System.Globalization;
using System.Text;
using Bottleneck.Data;
using Bottleneck.IO;

namespace Bottleneck.Applications.Anomaly;

/// <summary>What scoring a file produced.</summary>
internal sealed record ScoringSummary(long Rows, long Flagged, double Threshold, double MeanScore, double MaxScore);

/// <summary>
/// Writes a score and a 0/1 anomaly flag per row (§8.4 step 4: errors &gt; threshold). A CSV is read and scored a chunk of
/// rows at a time and the output written as it goes, so memory stays flat however large the file; the output appears
/// under its name only when every row has been scored (a bad row half way leaves no partial file behind).
/// </summary>
internal static class AnomalyScoring
{
    /// <summary>Rows read and scored at a time.</summary>
    public const int DefaultChunkRows = 8192;

    /// <summary>Scores every row of the CSV file <paramref name="csvPath"/> and writes <paramref name="outPath"/>: row,score,anomaly[,label].</summary>
    /// <exception cref="BadInputException">The file is empty or malformed, or its rows do not have the detector's number of values.</exception>
    public static ScoringSummary ScoreCsv(AnomalyDetector detector, string csvPath, CsvReadOptions options, string outPath, int chunkRows = DefaultChunkRows)
    {
        CheckOutput(outPath);
        using var rows = CsvRowReader.Open(csvPath, options);
        detector.CheckWidth(rows.FeatureCount, csvPath, "rows have");
        if (rows.HasHeader && detector.Settings.FeatureNames is { } trained)
            for (int j = 0; j < trained.Length; j++)
                if (rows.FeatureNames[j] != trained[j])
                    throw new BadInputException($"{csvPath}: feature column {j} is '{rows.FeatureNames[j]}', but the detector was trained with '{trained[j]}' there (same columns, same order expected)");
        var summary = new Tally(detector.Settings.Threshold);
        // One model call a chunk, as the rows are read; the scorer keeps its input tensor from chunk to chunk.
        using var scorer = new BatchScorer(detector.Model, detector.Settings.Scaler, chunkRows);
        var scores = new double[chunkRows];
        AtomicFile.Write(outPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(Header(rows.LabelName is not null));
            while (rows.ReadChunk(chunkRows) is { } chunk)
            {
                var chunkScores = scores.AsSpan(0, chunk.Rows);
                scorer.Score(chunk.Rows, BatchScorer.RowMajor(chunk.Features, scorer.Width), chunkScores);
                WriteRows(writer, summary, chunkScores, chunk.FirstRow, chunk.Labels);
            }
        });
        return summary.Result();
    }

    /// <summary>Scores every sample of <paramref name="data"/> (images, .npy, ...: already in memory) and writes <paramref name="outPath"/>.</summary>
    public static ScoringSummary ScoreDataset(AnomalyDetector detector, Dataset data, string outPath)
    {
        CheckOutput(outPath);
        var scores = detector.Scores(data);
        var summary = new Tally(detector.Settings.Threshold);
        AtomicFile.Write(outPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(Header(data.Labels is not null));
            WriteRows(writer, summary, scores, 0, data.Labels);
        });
        return summary.Result();
    }

    static void CheckOutput(string outPath)
    {
        if (!outPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            throw new OptionException("output", $"{outPath}: expected a .csv file name (one row a sample: row,score,anomaly)");
    }

    static string Header(bool labels) => labels ? "row,score,anomaly,label\n" : "row,score,anomaly\n";

    static void WriteRows(StreamWriter writer, Tally tally, ReadOnlySpan<double> scores, long firstRow, int[]? labels)
    {
        var line = new StringBuilder();
        for (int i = 0; i < scores.Length; i++)
        {
            bool flagged = tally.Add(scores[i]);
            line.Clear()
                .Append((firstRow + i).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(((float)scores[i]).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(flagged ? '1' : '0');
            if (labels is not null) line.Append(',').Append(labels[i].ToString(CultureInfo.InvariantCulture));
            writer.Write(line.Append('\n'));
        }
    }

    sealed class Tally(double threshold)
    {
        long rows, flagged;
        double sum, max = double.NegativeInfinity;

        /// <summary>Counts one score; true when it exceeds the threshold.</summary>
        public bool Add(double score)
        {
            rows++;
            sum += score;
            max = Math.Max(max, score);
            bool anomaly = score > threshold;
            if (anomaly) flagged++;
            return anomaly;
        }

        public ScoringSummary Result() => new(rows, flagged, threshold, rows > 0 ? sum / rows : double.NaN, max);
    }
}
