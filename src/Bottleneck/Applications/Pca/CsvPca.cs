using Bottleneck.Data;
using Bottleneck.Evaluation;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Pca;

/// <summary>A PCA fitted on a CSV file read a chunk at a time, with the range of the values seen (for PSNR).</summary>
internal sealed record CsvPcaFit(PrincipalComponents Pca, string[] FeatureNames, double Minimum, double Maximum);

/// <summary>
/// PCA of a numeric CSV file larger than memory (§5, §8.1's "incremental" PCA): one pass that reads the rows a chunk
/// at a time into a <see cref="CovarianceAccumulator"/> (mean and centred scatter, updated exactly per chunk), then the
/// eigenvectors of the covariance. Memory holds one chunk and the d×d covariance, never the file.
/// </summary>
internal static class CsvPca
{
    /// <summary>The stage of the pass over the file, counted in bytes.</summary>
    public const string Reading = "reading the CSV file and accumulating its covariance (bytes)";

    /// <summary>Rows read per chunk.</summary>
    public const int DefaultChunkRows = 8192;

    /// <summary>
    /// Fits <paramref name="components"/> components on the first <paramref name="limit"/> rows (all when null) of
    /// <paramref name="path"/>; <paramref name="progress"/> hears the bytes read after each chunk (one stage).
    /// </summary>
    /// <exception cref="BadInputException">The file is missing, empty or malformed, or has too few rows or columns for k components.</exception>
    public static CsvPcaFit Fit(string path, CsvReadOptions options, int components, long? limit = null, int chunkRows = DefaultChunkRows,
        IProgress<StageProgress>? progress = null)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such file");
        using var rows = CsvRowReader.Open(path, options);
        using var accumulator = new CovarianceAccumulator(rows.FeatureCount);
        double minimum = double.PositiveInfinity, maximum = double.NegativeInfinity;
        long wanted = limit ?? long.MaxValue;
        StageProgress.Start(progress, Reading, rows.Length);
        while (accumulator.Count < wanted && rows.ReadChunk((int)Math.Min(chunkRows, wanted - accumulator.Count)) is { } chunk)
        {
            using var scope = NewDisposeScope();
            var batch = tensor(chunk.Features, [chunk.Rows, rows.FeatureCount]);
            accumulator.Add(batch);
            minimum = Math.Min(minimum, batch.min().item<float>());
            maximum = Math.Max(maximum, batch.max().item<float>());
            StageProgress.Advance(progress, Reading, rows.BytesRead, rows.Length);
        }
        if (accumulator.Count == 0) throw new BadInputException($"{path}: no data rows");
        PrincipalComponents.CheckComponents(components, accumulator.Count, rows.FeatureCount);
        var pca = PrincipalComponents.FromCovariance(accumulator, components, [rows.FeatureCount]);
        return new CsvPcaFit(pca, rows.FeatureNames, minimum, maximum);
    }
}
