using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Objectives;
using Bottleneck.Training;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// A PCA fitted for `bottleneck pca`, with what its report needs: where it was measured (the test part when the data
/// has one, else the training data), its reconstruction MSE there, the range of the values (PSNR assumes a peak of 1),
/// and how the data was scaled. Owns the PCA and, when the data was loaded into memory, the data.
/// </summary>
/// <param name="Name">The data's name as the user gave it (a streamed file: its file name).</param>
/// <param name="Loaded">The data in memory, or null when a CSV was streamed.</param>
/// <param name="Evaluation">The samples the MSE was measured on (null when streamed: the training MSE follows from the spectrum).</param>
/// <param name="EvaluatedOn">"test" or "train".</param>
/// <param name="Mse">Mean squared reconstruction error per value on <paramref name="EvaluatedOn"/>.</param>
/// <param name="Range">The smallest and largest value (after scaling) of the evaluated data.</param>
/// <param name="Scaling">How the values were scaled before fitting: "x / 255" for bytes, "none" otherwise.</param>
internal sealed record PcaFit(string Name, PrincipalComponents Pca, LoadedData? Loaded, Dataset? Evaluation, string EvaluatedOn, double Mse,
    long EvaluatedCount, (double Low, double High) Range, string Scaling, double FitSeconds) : IDisposable
{
    /// <summary>Whether the file was streamed (read a chunk at a time) rather than loaded.</summary>
    public bool Streamed => Loaded is null;

    /// <summary>PSNR in dB for data in [0, 1], 10·log10(1/MSE); null for data outside it (no peak of 1 to compare with).</summary>
    public double? Psnr => Range.Low >= 0 && Range.High <= 1 ? ReconstructionMetrics.PsnrFromMse(Mse) : null;

    /// <summary>Values per sample over components: how many times fewer numbers a code holds.</summary>
    public double CompressionRatio => (double)Pca.Dimension / Pca.ComponentCount;

    /// <inheritdoc />
    public void Dispose()
    {
        Pca.Dispose();
        Loaded?.Dispose();
    }
}

/// <summary>
/// Fits PCA as `bottleneck pca` does: in memory on the training part (SVD or covariance), measured on the test part
/// where there is one; or, for a CSV file with the covariance method, streamed a chunk at a time so the file may be
/// larger than memory.
/// </summary>
internal static class PcaFitting
{
    /// <summary>The stage that fits the PCA in memory, counted in training samples (the SVD has one step).</summary>
    public const string Fitting = "fitting the PCA";

    /// <summary>The stage that measures the reconstruction error, counted in samples.</summary>
    public const string Measuring = "measuring the reconstruction error";

    /// <summary>Whether <paramref name="data"/> is streamed rather than loaded: a .csv file fitted by the covariance method.</summary>
    public static bool Streams(string data, PcaMethod method) =>
        method == PcaMethod.Covariance && data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Fits <paramref name="components"/> components on the first <paramref name="limit"/> training samples of
    /// <paramref name="data"/> (a built-in name or a path), streamed or in memory as <see cref="Streams"/> says.
    /// </summary>
    /// <exception cref="BadInputException">The data cannot be read, is not finite, has too few samples or values for k, or has no variance.</exception>
    public static PcaFit Fit(string data, DataOptions options, int components, PcaMethod method, int? limit = null, IProgress<StageProgress>? progress = null)
    {
        if (limit is < 1) throw new OptionException("limit", $"expected a positive number of samples, got {limit}");
        return Streams(data, method)
            ? StreamCsv(data, new CsvReadOptions { HasHeader = options.CsvHeader, LabelColumn = options.LabelColumn }, components, limit, progress)
            : InMemory(DataSource.Load(data, options), components, method, limit, progress);
    }

    // Constant data has no direction of variance: no component, ratio or plot means anything, so it is refused.
    static PcaFit WithVariance(PcaFit fit)
    {
        if (fit.Pca.TotalVariance > 0) return fit;
        fit.Dispose();
        throw new BadInputException($"{fit.Name}: every value is the same in all {fit.Pca.Samples:N0} samples (total variance {fit.Pca.TotalVariance:G3}): PCA has no variance to explain");
    }

    /// <summary>
    /// Fits on the first <paramref name="limit"/> samples of <paramref name="loaded"/>'s training part and measures the
    /// test part (the training part when there is none). The result owns <paramref name="loaded"/>, also on failure.
    /// </summary>
    public static PcaFit InMemory(LoadedData loaded, int components, PcaMethod method, int? limit = null, IProgress<StageProgress>? progress = null)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var train = limit is int n && n < loaded.Train.Count ? loaded.Train.Slice(0, n) : loaded.Train;
            DataFit.CheckValues(train, new ReconstructionLoss(LossKind.Mse));
            PrincipalComponents.CheckComponents(components, train.Count, train.SampleSize);
            StageProgress.Start(progress, Fitting, train.Count);
            var pca = method == PcaMethod.Svd
                ? PrincipalComponents.FitSvd(train, components)
                : PrincipalComponents.FitCovariance(train, components, done: d => StageProgress.Advance(progress, Fitting, d, train.Count));
            StageProgress.Advance(progress, Fitting, train.Count, train.Count);
            double seconds = clock.Elapsed.TotalSeconds;
            var (evaluation, on) = loaded.TestOrTrain(train);
            StageProgress.Start(progress, Measuring, evaluation.Count);
            double mse = pca.Mse(evaluation, done: d => StageProgress.Advance(progress, Measuring, d, evaluation.Count));
            return WithVariance(new PcaFit(loaded.Name, pca, loaded, evaluation, on, mse, evaluation.Count, evaluation.Range(),
                train.IsBytes ? "x / 255" : "none", seconds));
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fits on a CSV file read a chunk at a time (the covariance method), so it may be larger than memory. A file has
    /// no test part, and the training MSE follows from the spectrum (the discarded eigenvalues): one pass is enough.
    /// </summary>
    public static PcaFit StreamCsv(string path, CsvReadOptions options, int components, int? limit = null, IProgress<StageProgress>? progress = null)
    {
        if (limit is < 1) throw new OptionException("limit", $"expected a positive number of samples, got {limit}");
        var clock = Stopwatch.StartNew();
        var fit = CsvPca.Fit(path, options, components, limit, progress: progress);
        return WithVariance(new PcaFit(Path.GetFileName(path), fit.Pca, null, null, "train", fit.Pca.TrainingMse, fit.Pca.Samples,
            (fit.Minimum, fit.Maximum), "none", clock.Elapsed.TotalSeconds));
    }
}
