using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Persistence;

/// <summary>A model folder loaded with its input transformation: the scaler applied, the training range enforced.</summary>
public class TrainedModelTests
{
    static readonly ModelSpec Spec = new() { Name = "tabular", InputShape = [3], Encoder = [], Bottleneck = 2, OutputActivation = "linear" };
    static readonly FeatureScaler Scaler = new(ScalerKind.Standard, [1000f, -5f, 0.5f], [200f, 0.01f, 2f]);

    /// <summary>Saves a fresh model with <paramref name="data"/> as model.json's "data" object (and optional extra fields).</summary>
    static void Save(TempFolder folder, JsonObject data, string? extraField = null, JsonNode? extra = null)
    {
        random.manual_seed(1);
        using var model = ModelFactory.Create(Spec);
        var fields = new Dictionary<string, JsonNode?> { ["data"] = data };
        if (extraField is not null) fields[extraField] = extra;
        ModelFolder.Save(model, folder.Path, fields);
    }

    static JsonNode ScalerJson => JsonSerializer.SerializeToNode(Scaler, ModelSpec.Json)!;

    static Dataset Rows(string name, params double[][] rows) =>
        new(name, tensor(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), [rows.Length, rows[0].Length]));

    [Fact]
    public void Prepare_applies_the_folders_scaler_as_computed_by_hand()
    {
        using var folder = new TempFolder();
        Save(folder, new JsonObject { ["scaler"] = ScalerJson, ["range"] = new JsonArray(-3.0, 3.0) });
        using var trained = TrainedModel.Load(folder.Path);
        double[][] rows = [[1200, -5.02, 0.5], [700, -4.99, -1.5]];
        using var raw = Rows("rows.csv", rows);
        using var prepared = trained.Prepare(raw);
        var values = prepared.Batch(0, 2).data<float>().ToArray();
        // (x − mean) / std by hand, in float64: 1200 → 1, −5.02 → −2, 0.5 → 0; 700 → −1.5, −4.99 → 1, −1.5 → −1.
        double[] expected = [1, -2, 0, -1.5, 1, -1];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 4);
        Assert.Equal("rows.csv", prepared.Name);
    }

    [Fact]
    public void A_detector_folder_written_before_data_scaler_existed_still_scales_with_its_anomaly_scaler()
    {
        using var folder = new TempFolder();
        Save(folder, new JsonObject { ["scaling"] = "standard" }, AnomalySettings.Field, new JsonObject { ["threshold"] = 1.0, ["scaler"] = ScalerJson });
        using var trained = TrainedModel.Load(folder.Path);
        Assert.Null(trained.Range);   // no data.range: nothing to check against, and the folder still loads
        Assert.Equal(Scaler.Offset, trained.Scaler!.Offset);
        using var raw = Rows("old.csv", [1400, -5, 4.5]);
        using var prepared = trained.Prepare(raw);
        Assert.Equal([2f, 0f, 2f], prepared.Batch(0, 1).data<float>().ToArray());
    }

    [Fact]
    public void Data_on_another_scale_is_refused_with_the_range_found_and_the_range_accepted()
    {
        using var folder = new TempFolder();
        Save(folder, new JsonObject { ["scaling"] = "x / 255", ["range"] = new JsonArray(0.0, 1.0) });
        using var trained = TrainedModel.Load(folder.Path);
        // Pixels as 0..255 floats given to a model trained on x / 255.
        using var pixels = Rows("pixels.npy", [0, 128, 255]);
        var e = Assert.Throws<BadInputException>(() => trained.Prepare(pixels));
        Assert.Equal($"pixels.npy: values span [0, 255] as read, but the model in {folder.Path} was trained on [0, 1] and accepts [-1, 2]; " +
                     "the data is on another scale (training data scaling: x / 255)", e.Message);
        // Within one span of the training range is accepted (noisy or slightly shifted data).
        using var near = Rows("near.npy", [-0.9, 0.5, 1.9]);
        using var accepted = trained.Prepare(near);
        Assert.Equal(3, accepted.SampleSize);
    }

    [Fact]
    public void Unscale_puts_outputs_back_in_the_datas_own_units()
    {
        using var folder = new TempFolder();
        Save(folder, new JsonObject { ["scaler"] = ScalerJson });
        using var trained = TrainedModel.Load(folder.Path);
        var outputs = NumericArray.FromFloats([2, 3], [1, -2, 0, -1.5f, 1, -1]);
        var restored = trained.Unscale(outputs).ToFloats();
        // x = x'·std + mean by hand.
        double[] expected = [1200, -5.02, 0.5, 700, -4.99, -1.5];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], restored[i], 3);
    }

    [Theory]
    [InlineData("[1, 0]")]
    [InlineData("[0]")]
    [InlineData("\"wide\"")]
    public void A_malformed_range_is_refused_naming_the_field(string range)
    {
        using var folder = new TempFolder();
        Save(folder, new JsonObject { ["range"] = JsonNode.Parse(range) });
        var e = Assert.Throws<BadInputException>(() => TrainedModel.Load(folder.Path));
        Assert.Contains("model.json: field 'data.range': expected [min, max]", e.Message);
    }

    [Fact]
    public void A_scaler_that_does_not_fit_the_model_is_refused()
    {
        using var folder = new TempFolder();
        Save(folder, new JsonObject { ["scaler"] = JsonSerializer.SerializeToNode(new FeatureScaler(ScalerKind.MinMax, [0f, 0f], [1f, 1f]), ModelSpec.Json) });
        var e = Assert.Throws<BadInputException>(() => TrainedModel.Load(folder.Path));
        Assert.Contains("the scaler has 2 columns but the model takes 3 values", e.Message);
    }
}
