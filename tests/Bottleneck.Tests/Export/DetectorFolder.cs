using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Persistence;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Export;

/// <summary>
/// A folder as anomaly fit writes it, made without training: a small dense model with its initial weights, a standard
/// scaler for rows around 100 ± 10 (so a graph that forgot the scaler would be far off), and the threshold at the
/// median score of <see cref="Rows"/>(200), so that half of them are flagged and a wrong comparison shows.
/// </summary>
internal static class DetectorFolder
{
    public const int Width = 12;
    public static readonly string[] FeatureNames = Enumerable.Range(0, Width).Select(j => $"sensor{j:00}").ToArray();

    /// <summary><paramref name="count"/> raw rows, [count, Width], near 100 with a column-dependent spread.</summary>
    public static float[][] Rows(int count, int seed = 11)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, Width).Select(j => (float)(100 + j + (1 + j % 4) * 3 * (random.NextDouble() * 2 - 1))).ToArray())
            .ToArray();
    }

    /// <summary>Writes the detector folder to <paramref name="directory"/> and returns its settings.</summary>
    public static AnomalySettings Write(string directory)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(17);
        using var model = ModelFactory.Create(new ModelSpec { Name = "sensors", Encoder = [8], Bottleneck = 3, OutputActivation = "linear" }.WithInputShape([Width]));
        var offset = Enumerable.Range(0, Width).Select(j => 100f + j).ToArray();
        var scale = Enumerable.Range(0, Width).Select(j => (1 + j % 4) * 1.7f).ToArray();
        var scaler = new FeatureScaler(ScalerKind.Standard, offset, scale);
        var rows = Rows(200);
        var scores = AnomalyDetector.ErrorsOf(model, scaler, tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, Width]))
            .to_type(ScalarType.Float64).data<double>().ToArray();
        var settings = new AnomalySettings
        {
            // Halfway between the two middle scores (numpy's median): no row sits on the threshold, where the last bit
            // of a float32 sum would decide its flag.
            Threshold = Percentile.Of(scores, 50),
            Percentile = 50, Data = "rows.csv", Holdout = 0.1, TrainingSamples = 180, HoldoutSamples = 20, HoldoutFlagged = 1,
            Scaler = scaler, FeatureNames = FeatureNames,
        };
        ModelFolder.Save(model, directory, new Dictionary<string, JsonNode?>
        {
            ["data"] = new JsonObject { ["scaling"] = "standard: (x − mean) / std per column, fitted on the training rows (anomaly.scaler)" },
            [AnomalySettings.Field] = settings.ToJson(),
        });
        return settings;
    }
}
