using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.IO;
using Bottleneck.Data;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// The folder `bottleneck pca` writes, and the only place that knows its file names and keys: the PCA as a model
/// folder (model.json, weights.safetensors, pca.safetensors; see <see cref="PcaFolder"/>), metrics.json,
/// explained-variance.png and, for images held in memory, reconstructions.png.
/// </summary>
internal static class PcaRunFolder
{
    /// <summary>The metrics' file name.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>
    /// Locks <paramref name="directory"/> now when it exists, so that a folder another run is writing is refused before
    /// any work; null when it does not exist yet (nothing is created before there is something to write).
    /// </summary>
    public static OutputLock? LockIfExists(string directory) => Directory.Exists(directory) ? OutputLock.Acquire(directory) : null;

    /// <summary>
    /// Writes <paramref name="fit"/> into <paramref name="directory"/>, holding the folder's lock meanwhile (another run
    /// writing the same folder is refused, not interleaved; <paramref name="held"/> is the lock when the caller took it
    /// already), and returns metrics.json's content.
    /// </summary>
    public static JsonObject Write(string directory, PcaFit fit, OutputLock? held = null)
    {
        var pca = fit.Pca;
        int k = pca.ComponentCount;
        var metrics = Metrics(fit);
        Directory.CreateDirectory(directory);
        using var own = held is null ? OutputLock.Acquire(directory) : null;
        PcaFolder.Save(pca, directory, new Dictionary<string, JsonNode?>
        {
            ["data"] = new JsonObject
            {
                ["name"] = fit.Name,
                ["sample_shape"] = new JsonArray(pca.SampleShape.Select(d => (JsonNode)d).ToArray()),
                ["scaling"] = fit.Scaling,
            },
        });
        var figures = new List<string> { "explained-variance.png" };
        ExplainedVariancePlot.SavePng(Path.Combine(directory, "explained-variance.png"),
            $"PCA on {fit.Name}: cumulative explained variance", pca.Spectrum, k);
        if (fit.Evaluation is { } evaluation && ImageShape.Of(evaluation.SampleShape) is { } shape)
        {
            using var model = pca.ToAutoencoder();
            ReconstructionGrid.Save(Path.Combine(directory, "reconstructions.png"), model, evaluation, shape, (int)Math.Min(10, fit.EvaluatedCount),
                $"PCA with {k} components on {fit.Name}: originals and reconstructions");
            figures.Add("reconstructions.png");
        }
        metrics["figures"] = new JsonArray(figures.Select(f => (JsonNode)f).ToArray());
        var path = Path.Combine(directory, MetricsFile);
        AtomicFile.WriteAllText(path, FiniteJson.Serialize(metrics, path, new JsonSerializerOptions { WriteIndented = true }));
        return metrics;
    }

    // metrics.json without "figures": the MSE and PSNR keys are named after the part measured (test_mse or train_mse).
    static JsonObject Metrics(PcaFit fit)
    {
        var pca = fit.Pca;
        return new JsonObject
        {
            ["data"] = fit.Name,
            ["components"] = pca.ComponentCount,
            ["method"] = PcaFolder.MethodName(pca.Method),
            ["train_samples"] = pca.Samples,
            ["sample_size"] = (long)pca.Dimension,
            ["explained_variance_ratio"] = pca.ExplainedVarianceRatioTotal,
            ["explained_variance_ratio_per_component"] = new JsonArray(pca.ExplainedVarianceRatio.Select(v => (JsonNode)v).ToArray()),
            ["train_mse"] = pca.TrainingMse,
            ["evaluated_on"] = fit.EvaluatedOn,
            [fit.EvaluatedOn + "_mse"] = fit.Mse,
            [fit.EvaluatedOn + "_psnr"] = fit.Psnr,
            ["evaluated_samples"] = fit.EvaluatedCount,
            ["streamed"] = fit.Streamed,
            ["compression_ratio"] = fit.CompressionRatio,
            ["fit_seconds"] = Math.Round(fit.FitSeconds, 3),
            ["units"] = new JsonObject
            {
                ["mse"] = "mean per element (pixel), data as scaled for training (images: x / 255)",
                ["psnr"] = "dB, 10·log10(1/mse) for data in [0, 1] (null for data outside it)",
                ["explained_variance_ratio"] = "fraction of the total variance (trace of the covariance) the k components keep",
            },
        };
    }
}
