using System.Text.Json.Nodes;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>`bottleneck pca-equivalence`'s library half: the study's order of events, its checks and the report's keys.</summary>
public class EquivalenceStudyTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static Dataset Rows(float[][] rows)
    {
        var t = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        t.DetachFromDisposeScope();
        return new Dataset("rows", t);
    }

    // The rows of PcaFittingTests: numpy gives PCA-1 a training MSE of 0.026646305315474048 per value on them.
    static readonly float[][] Train =
    [
        [0.943f, 0.511f, 0.976f], [0.081f, 0.607f, 0.376f], [0.802f, 0.175f, 0.872f],
        [0.544f, 0.902f, 0.477f], [0.43f, 0.789f, 0.984f], [0.37f, 0.969f, 0.929f],
    ];

    static readonly TrainingOptions TwoEpochs = new() { Epochs = 2, BatchSize = 3, LearningRate = 1e-2, Seed = 3 };

    [Fact]
    public void Pca_comes_first_then_each_variants_epochs_and_the_report_keeps_its_keys()
    {
        using var train = Rows(Train);
        var events = new List<string>();
        var report = EquivalenceStudy.Run(train, null, "rows", 1, [EquivalenceVariant.Get("linear"), EquivalenceVariant.Get("sigmoid-bce")], TwoEpochs,
            pca => events.Add($"pca {pca.ComponentCount}"), (v, e) => events.Add($"{v.Name} {e.Epoch}"));
        Assert.Equal(["pca 1", "linear 1", "linear 2", "sigmoid-bce 1", "sigmoid-bce 2"], events);
        Assert.Equal(0.026646305315474048, report.PcaTrainMse, 6);
        Assert.Equal((6, 1, 3L), (report.TrainSamples, report.Components, report.DataSpanDimension));   // 6 points in general position span 3-D
        Assert.Null(report.PcaTestMse);
        Assert.All(report.Variants, r => Assert.True(r.TrainMseRatio >= 1 - 1e-6, "no rank-1 reconstruction beats PCA on its training data"));

        EquivalenceFolder.Write(folder.Path, report);
        var json = JsonNode.Parse(File.ReadAllText(folder["equivalence.json"]))!.AsObject();
        Assert.Equal(["data", "train_samples", "components", "epochs", "batch_size", "optimizer", "learning_rate", "seed", "data_span_dimension",
                      "pca", "variants", "units"], json.Select(p => p.Key).ToArray());
        Assert.Equal(["linear", "sigmoid-bce"], json["variants"]!.AsArray().Select(v => (string)v!["name"]!));
        Assert.Equal(2, json["variants"]![1]!["per_epoch"]!.AsArray().Count);
        Assert.True(File.Exists(folder["overlap.png"]) && File.Exists(folder["mse-ratio.png"]));
    }

    [Fact]
    public void Sigmoid_bce_is_refused_for_data_outside_0_1_before_anything_is_fitted()
    {
        using var train = Rows(Train.Select(r => r.Select(v => 2 * v).ToArray()).ToArray());
        var fitted = false;
        var error = Assert.Throws<BadInputException>(() => EquivalenceStudy.Run(train, null, "rows", 1, [EquivalenceVariant.Get("sigmoid-bce")], TwoEpochs,
            _ => fitted = true));
        Assert.Equal("rows: values span [0.162, 1.968], but the sigmoid-bce variant needs data in [0, 1] (leave it out with `variants`)", error.Message);
        Assert.False(fitted);
        Assert.Equal("variants: name at least one variant", Assert.Throws<OptionException>(() => EquivalenceStudy.Run(train, null, "rows", 1, [], TwoEpochs)).Message);
    }
}
