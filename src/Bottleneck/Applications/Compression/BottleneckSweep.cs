using System.Globalization;
using System.Text;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Applications.Compression;

/// <summary>One model of a sweep: its code size, the exact ratio d/k, and what it measured.</summary>
internal sealed record SweepRow(int CodeSize, double Ratio, double Bce, double Mse, double Psnr, double? FinalValLoss, int EpochsRun,
    long Parameters, double TrainSeconds, string Folder);

/// <summary>What a sweep is asked to do.</summary>
internal sealed record SweepRequest
{
    public required string Data { get; init; }
    public DataOptions DataOptions { get; init; } = new();

    /// <summary>The architecture each model uses, with its bottleneck width replaced by each code size (default: the basic preset).</summary>
    public required ModelSpec Spec { get; init; }

    public required IReadOnlyList<int> CodeSizes { get; init; }
    public required TrainingOptions Training { get; init; }
    public int? Limit { get; init; }
    public double ValSplit { get; init; } = ValidationChoice.DefaultSplit;
    public required string OutputDirectory { get; init; }
}

/// <summary>
/// The chapter's bottleneck sweep (§7.1; the trade-off tables §7.1 and §8.5): one model per
/// code size k, trained alike on the same data, each measured on the test set (BCE and MSE per pixel, PSNR), beside the
/// exact ratio d/k — the chapter rounds 784/256 = 3.0625 to "3×" and 784/128 = 6.125 to "6×" — and the elbow.
/// The chapter's loop reads history['val_loss'] from a fit without validation data; here every model validates on the
/// last 10% of the training data and the table's losses are measured on the held-out test set.
/// </summary>
internal static class BottleneckSweep
{
    /// <summary>The chapter's "typical loss" per code size (§7.1; loss type unstated, its scale is BCE's).</summary>
    public static readonly IReadOnlyDictionary<int, double> ChapterTypicalLoss = new Dictionary<int, double>
    {
        [256] = 0.08, [128] = 0.09, [64] = 0.10, [32] = 0.12, [16] = 0.15, [8] = 0.20,
    };

    /// <summary>The chapter's quality words (§8.5).</summary>
    public static readonly IReadOnlyDictionary<int, string> ChapterQuality = new Dictionary<int, string>
    {
        [256] = "excellent (almost lossless)", [128] = "very good", [64] = "good", [32] = "acceptable", [16] = "poor", [8] = "very poor",
    };

    /// <summary>Parses "8,16,32" into code sizes: positive, distinct, sorted.</summary>
    public static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new OptionException("code_sizes", "expected code sizes such as 8,16,32,64,128,256");
        var sizes = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1)
                throw new OptionException("code_sizes", $"'{p}' is not a positive whole number (expected code sizes such as 8,16,32,64,128,256)");
            sizes.Add(k);
        }
        return sizes.Distinct().Order().ToArray();
    }

    /// <summary>
    /// Trains one model per code size into OUT/k{k}/ and writes OUT/sweep.csv; <paramref name="observer"/> gets each
    /// model's training progress, <paramref name="onRow"/> each finished row.
    /// </summary>
    public static IReadOnlyList<SweepRow> Run(SweepRequest request, Func<int, ITrainingObserver?>? observer = null, Action<SweepRow>? onRow = null,
        CancellationToken cancel = default)
    {
        request.Training.Validate();
        if (request.CodeSizes.Count == 0) throw new OptionException("code_sizes", "expected at least one code size");
        if (request.Limit is < 1) throw new OptionException("limit", $"expected a positive number of samples, got {request.Limit}");
        using var loaded = DataSource.Load(request.Data, request.DataOptions);
        var train = request.Limit is int n && n < loaded.Train.Count ? loaded.Train.Slice(0, n) : loaded.Train;
        long d = train.SampleSize;
        foreach (var k in request.CodeSizes)
            if (k >= d) throw new OptionException("code_sizes", $"a code of {k} values is not smaller than the {d}-value samples (no compression)");
        DataFit.CheckValues(train, request.Training.Loss);
        var (fit, validate, _) = new ValidationChoice(request.ValSplit, null, false).Apply(train, request.DataOptions);
        using var fitPart = fit;
        using var validatePart = validate;
        var rows = new List<SweepRow>();
        foreach (var k in request.CodeSizes)
        {
            cancel.ThrowIfCancellationRequested();
            var folder = Path.Combine(request.OutputDirectory, $"k{k}");
            // Each model is a run folder of its own, without checkpoint or resume state: a sweep is not resumed.
            using var session = new TrainingSession
            {
                Spec = request.Spec with { Bottleneck = k, Name = $"{request.Spec.Name}-k{k}" },
                Train = fit,
                Validation = validate,
                Test = loaded.Test,
                DataName = loaded.Name,
                Options = request.Training,
            };
            session.Prepare();
            using var runFolder = new RunFolder(folder, session);
            runFolder.Open();
            var result = session.Run(observer: observer?.Invoke(k), cancel: cancel);
            runFolder.Write(result);
            var measured = result.Evaluation ?? throw new InvalidOperationException("a sweep always measures its models");
            var row = new SweepRow(k, (double)d / k, measured.Bce, measured.Mse, measured.Psnr, result.Training.History.Epochs.LastOrDefault()?.ValLoss,
                result.Training.EpochsRun, result.Model.TrainableParameterCount + result.Model.NonTrainableParameterCount, result.Training.TrainSeconds, folder);
            result.Model.Dispose();
            rows.Add(row);
            onRow?.Invoke(row);
            SaveCsv(Path.Combine(request.OutputDirectory, "sweep.csv"), rows);
        }
        return rows;
    }

    /// <summary>
    /// The elbow: on log₂ k against the loss, both scaled to [0, 1], the point farthest below the straight line from
    /// the smallest to the largest code size (the "knee" of a decreasing convex curve); null with fewer than 3 sizes.
    /// </summary>
    public static int? Elbow(IReadOnlyList<(int CodeSize, double Loss)> points)
    {
        if (points.Count < 3) return null;
        var sorted = points.OrderBy(p => p.CodeSize).ToArray();
        double x0 = Math.Log2(sorted[0].CodeSize), x1 = Math.Log2(sorted[^1].CodeSize);
        double yMin = sorted.Min(p => p.Loss), yMax = sorted.Max(p => p.Loss);
        if (yMax == yMin || x1 == x0) return null;
        double X(int k) => (Math.Log2(k) - x0) / (x1 - x0);
        double Y(double loss) => (loss - yMin) / (yMax - yMin);
        double ya = Y(sorted[0].Loss), yb = Y(sorted[^1].Loss);
        int? best = null;
        double bestGap = 1e-9;   // a point on the chord up to rounding is no elbow
        foreach (var p in sorted[1..^1])
        {
            // Height of the chord above the point at the point's x (the chord runs from (0, ya) to (1, yb)).
            double gap = ya + (yb - ya) * X(p.CodeSize) - Y(p.Loss);
            if (gap > bestGap) (best, bestGap) = (p.CodeSize, gap);
        }
        return best;
    }

    /// <summary>Writes the table as CSV: code_size, ratio, bce, mse, psnr, final_val_loss, epochs, params, seconds.</summary>
    public static void SaveCsv(string path, IReadOnlyList<SweepRow> rows)
    {
        var text = new StringBuilder("code_size,ratio,test_bce,test_mse,test_psnr_db,final_val_loss,epochs_run,params,train_seconds,chapter_typical_loss\n");
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var r in rows)
            text.Append(CultureInfo.InvariantCulture, $"{r.CodeSize},{F(r.Ratio)},{F(r.Bce)},{F(r.Mse)},{F(r.Psnr)},{(r.FinalValLoss is double v ? F(v) : "")},")
                .Append(CultureInfo.InvariantCulture, $"{r.EpochsRun},{r.Parameters},{F(Math.Round(r.TrainSeconds, 2))},")
                .Append(ChapterTypicalLoss.TryGetValue(r.CodeSize, out var c) ? F(c) : "").Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
