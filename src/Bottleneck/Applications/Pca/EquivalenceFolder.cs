using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.IO;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// The folder `bottleneck pca-equivalence` writes, and the only place that knows its file names and keys:
/// equivalence.json (the report), overlap.png (decoder subspace overlap per epoch) and mse-ratio.png (training MSE
/// over PCA's optimum per epoch).
/// </summary>
internal static class EquivalenceFolder
{
    /// <summary>The report's file name.</summary>
    public const string ReportFile = "equivalence.json";

    /// <summary>Writes the report and both plots into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(string directory, EquivalenceReport report)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, ReportFile), Json(report).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var k = report.Components;
        var results = report.Variants;
        OverlapPlot.SavePng(Path.Combine(directory, "overlap.png"), $"Single-layer AE vs PCA-{k} on {report.Data}: decoder subspace overlap",
            results.Select(r => (r.Variant.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(e => e.DecoderOverlap).ToArray())).ToList());
        LinePlot.SavePng(Path.Combine(directory, "mse-ratio.png"), $"Single-layer AE vs PCA-{k} on {report.Data}: training MSE over PCA's optimum",
            "Epoch", "Training MSE / PCA's MSE (log scale)",
            results.Select(r => (r.Variant.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(e => e.TrainMse / r.PcaTrainMse).ToArray())).ToList(),
            logY: true);
    }

    /// <summary>equivalence.json's content.</summary>
    public static JsonObject Json(EquivalenceReport report) => new()
    {
        ["data"] = report.Data,
        ["train_samples"] = report.TrainSamples,
        ["components"] = report.Components,
        ["epochs"] = report.Training.Epochs,
        ["batch_size"] = report.Training.BatchSize,
        ["optimizer"] = "adam",
        ["learning_rate"] = report.Training.LearningRate,
        ["seed"] = report.Training.Seed,
        ["data_span_dimension"] = report.DataSpanDimension,
        ["pca"] = new JsonObject
        {
            ["train_mse"] = report.PcaTrainMse,
            ["test_mse"] = report.PcaTestMse,
            ["explained_variance_ratio"] = report.PcaExplainedVarianceRatio,
        },
        ["variants"] = new JsonArray(report.Variants.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Variant.Name,
            ["description"] = r.Variant.Description,
            ["centred"] = r.Variant.Centred,
            ["biases"] = r.Variant.Biases,
            ["code"] = r.Variant.ReluCode ? "relu" : "linear",
            ["output_and_loss"] = r.Variant.SigmoidBce ? "sigmoid + bce" : "linear + mse",
            ["decoder_overlap"] = r.Decoder.Overlap,
            ["encoder_overlap"] = r.Encoder.Overlap,
            ["encoder_overlap_on_data_span"] = r.EncoderOnSupport.Overlap,
            ["decoder_cosines"] = new JsonArray(r.Decoder.Cosines.Select(c => (JsonNode)c).ToArray()),
            ["encoder_cosines"] = new JsonArray(r.Encoder.Cosines.Select(c => (JsonNode)c).ToArray()),
            ["decoder_largest_angle_degrees"] = r.Decoder.LargestAngleDegrees,
            ["encoder_largest_angle_degrees"] = r.Encoder.LargestAngleDegrees,
            ["decoder_projector_distance"] = r.Decoder.ProjectorDistance,
            ["train_mse"] = r.TrainMse,
            ["train_mse_ratio"] = r.TrainMseRatio,
            ["test_mse"] = r.TestMse,
            ["test_mse_ratio"] = r.TestMseRatio,
            ["decoder_bias_norm"] = r.DecoderBiasNorm,
            ["first_epoch_overlap_0_99"] = r.FirstEpochWithOverlap(0.99),
            ["first_epoch_mse_within_1_percent"] = r.FirstEpochWithinMse(1.01),
            ["seconds"] = Math.Round(r.Seconds, 2),
            ["per_epoch"] = new JsonArray(r.Epochs.Select(e => (JsonNode)new JsonObject
            {
                ["epoch"] = e.Epoch, ["loss"] = e.Loss, ["decoder_overlap"] = e.DecoderOverlap, ["encoder_overlap"] = e.EncoderOverlap,
                ["encoder_overlap_on_data_span"] = e.EncoderSupportOverlap,
                ["train_mse"] = e.TrainMse,
            }).ToArray()),
        }).ToArray()),
        ["units"] = new JsonObject
        {
            ["overlap"] = "‖Q_aeᵀ Q_pca‖²_F / k: mean squared cosine of the principal angles, 1 = identical subspaces",
            ["mse"] = "mean per element (pixel) in data space, whatever the variant trains on",
            ["loss"] = "the variant's training loss, mean per element (mse or bce)",
        },
    };
}
