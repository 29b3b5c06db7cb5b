using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Data;

public class FeatureScalerTests
{
    static Dataset Table(float[,] values)
    {
        var t = tensor(values);
        t.DetachFromDisposeScope();
        return new Dataset("table", t);
    }

    [Fact]
    public void Standard_scaler_uses_the_population_standard_deviation_and_leaves_constant_columns_unscaled()
    {
        // Column 0: 1, 2, 3, 6 → mean 3, variance (4 + 1 + 0 + 9)/4 = 3.5. Column 1: constant 5. Column 2: 1e6 + {0, 1, 2, 3}.
        using var data = Table(new float[,] { { 1, 5, 1e6f }, { 2, 5, 1e6f + 1 }, { 3, 5, 1e6f + 2 }, { 6, 5, 1e6f + 3 } });
        var scaler = FeatureScaler.Fit(data, ScalerKind.Standard);
        Assert.Equal([3f, 5f, 1e6f + 1.5f], scaler.Offset);
        Assert.Equal((float)Math.Sqrt(3.5), scaler.Scale[0]);
        Assert.Equal(1f, scaler.Scale[1]);
        // sqrt(1.25): the two-pass variance keeps the spread of a column whose mean is a million times larger.
        Assert.Equal((float)Math.Sqrt(1.25), scaler.Scale[2]);

        using var scaled = scaler.Transform(data, "scaled");
        var values = scaled.Batch(0, 4).data<float>().ToArray();
        Assert.Equal(-2 / Math.Sqrt(3.5), values[0], 5);
        Assert.Equal(0, values[1]);
        Assert.Equal(3 / Math.Sqrt(3.5), values[9], 5);
    }

    [Fact]
    public void Minmax_scaler_maps_the_training_range_to_zero_one()
    {
        using var data = Table(new float[,] { { -2, 10 }, { 0, 10 }, { 6, 10 } });
        var scaler = FeatureScaler.Fit(data, ScalerKind.MinMax);
        Assert.Equal([-2f, 10f], scaler.Offset);
        Assert.Equal([8f, 1f], scaler.Scale);
        using var scaled = scaler.Transform(data, "scaled");
        Assert.Equal([0f, 0f, 0.25f, 0f, 1f, 0f], scaled.Batch(0, 3).data<float>().ToArray());
    }

    [Fact]
    public void Scaler_kinds_parse_and_round_trip_through_json()
    {
        Assert.Equal(ScalerKind.MinMax, FeatureScaler.ParseKind("MinMax", "scaler"));
        Assert.Contains("unknown scaler 'robust'", Assert.Throws<OptionException>(() => FeatureScaler.ParseKind("robust", "scaler")).Message);
        var settings = new AnomalySettings
        {
            Threshold = 0.1, Percentile = 95, Data = "x.csv", Holdout = 0.1, TrainingSamples = 9, HoldoutSamples = 1, HoldoutFlagged = 0,
            Scaler = new FeatureScaler(ScalerKind.Standard, [0.1f, -3f], [2f, 0.3f]),
        };
        var json = settings.ToJson().ToJsonString();
        Assert.Contains("\"kind\":\"standard\"", json);
        var back = AnomalySettings.FromManifest(new System.Text.Json.Nodes.JsonObject { ["anomaly"] = settings.ToJson() }, "model.json");
        Assert.Equal(settings.Scaler.Offset, back.Scaler!.Offset);
        Assert.Equal(settings.Scaler.Scale, back.Scaler.Scale);
        Assert.Equal(0.1, back.Threshold);
    }
}
