using System.Globalization;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Conv;
using Bottleneck.Persistence;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>
/// The one-pass score path (rows copied into a reused input tensor, errors computed in place on the reconstruction)
/// against a float64 reference: the same weights in float64, the scaler and the mean squared error per row summed in
/// double by hand. Batches of 1, 64 and 1,024 rows, over row counts that are not multiples of the batch.
/// </summary>
public class BatchScorerTests
{
    /// <summary>A detector folder of Fixtures/scoring (see its README).</summary>
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "scoring", name);

    /// <summary>The rows a fixture detector is tested on: 103 images as x / 255, or the 2,000 tabular test rows without their label.</summary>
    internal static float[][] TestRows(string detector)
    {
        if (detector == "images-detector")
        {
            using var images = DataSource.Load(Fixture("images-test.npy"));
            using var batch = images.Train.Batch(0, images.Train.Count);
            return NumericArray.FromFloats([images.Train.Count, 64], batch.reshape(-1).data<float>().ToArray()).ToRows(images.Train.Count);
        }
        return File.ReadLines(Path.Combine(TestData.RepositoryRoot, "docs", "anomaly", "tabular-test.csv")).Skip(1)
            .Select(l => l.Split(',')[..^1].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    /// <summary>
    /// e_i = (1/d) Σ_j (x̂_ij − x_ij)² in float64: x = (raw − offset) / scale in double, x̂ from the folder's weights
    /// converted to float64, the sum by hand.
    /// </summary>
    internal static double[] Reference(string folder, float[][] rows)
    {
        var settings = AnomalySettings.FromManifest(ModelFolder.ReadManifest(folder), folder);
        using var model = ModelFolder.Load(folder);
        model.to(ScalarType.Float64).eval();
        int width = rows[0].Length;
        var scaled = rows.SelectMany(r => r.Select((v, j) => settings.Scaler is { } s ? ((double)v - s.Offset[j]) / s.Scale[j] : v)).ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var reconstruction = model.Reconstruct(tensor(scaled, [rows.Length, .. model.InputShape])).reshape(-1).data<double>().ToArray();
        return Enumerable.Range(0, rows.Length)
            .Select(i => Enumerable.Range(i * width, width).Sum(k => (reconstruction[k] - scaled[k]) * (reconstruction[k] - scaled[k])) / width)
            .ToArray();
    }

    /// <summary>float32 scores agree with float64 to 1e-5 relative (as the ONNX tests ask): rows reconstructed closely lose digits in x̂ − x.</summary>
    internal static void AssertNearReference(double[] reference, IReadOnlyList<double> scores, string what)
    {
        Assert.Equal(reference.Length, scores.Count);
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(scores[i] - reference[i]) <= 1e-5 * reference[i], $"{what}, row {i}: {scores[i]:R} against float64 {reference[i]:R}");
    }

    [Theory]
    [InlineData("images-detector", 1)]
    [InlineData("images-detector", 64)]      // 103 rows: a batch of 64 and one of 39
    [InlineData("images-detector", 1024)]
    [InlineData("tabular-detector", 1)]
    [InlineData("tabular-detector", 64)]     // 2,000 rows: 31 batches of 64 and one of 16
    [InlineData("tabular-detector", 1024)]   // a batch of 1,024 and one of 976
    public void Scores_equal_a_float64_reference_at_every_batch_size(string detectorName, int batchRows)
    {
        var folder = Fixture(detectorName);
        var rows = TestRows(detectorName);
        var reference = Reference(folder, rows);
        using var detector = AnomalyDetector.Load(folder);
        using var scorer = new BatchScorer(detector.Model, detector.Settings.Scaler, batchRows);
        int width = rows[0].Length;
        var flat = rows.SelectMany(r => r).ToArray();

        var doubles = new double[rows.Length];
        scorer.Score(rows.Length, BatchScorer.RowMajor(flat, width), doubles);
        AssertNearReference(reference, doubles, $"batches of {batchRows}");
        // The same scorer again, now as floats: its reused input tensor carries nothing over from the last call.
        var floats = new float[rows.Length];
        scorer.Score(rows.Length, BatchScorer.RowMajor(flat, width), floats);
        Assert.Equal(doubles, floats.Select(f => (double)f));
        // The rows given are left as they were (scaling happens in the scorer's own tensor).
        Assert.Equal(rows.SelectMany(r => r), flat);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(1024)]
    public void A_dataset_of_bytes_scores_like_its_rows(int batchRows)
    {
        // images-test.npy is uint8: the scorer fills its input with x / 255 straight from the bytes.
        var folder = Fixture("images-detector");
        var reference = Reference(folder, TestRows("images-detector"));
        using var detector = AnomalyDetector.Load(folder);
        using var images = DataSource.Load(Fixture("images-test.npy"));
        Assert.True(images.Train.IsBytes);
        AssertNearReference(reference, AnomalyDetector.ScoresOf(detector.Model, null, images.Train, batchRows), $"bytes, batches of {batchRows}");
    }

    [Fact]
    public void A_convolutional_model_with_channels_last_samples_scores_like_its_float64_reconstruction()
    {
        // [H, W, C] samples: the reconstruction comes back permuted, so the error is taken on a copy, not a view.
        var layers = new ConvSpec { Encoder = [ConvLayerSpec.Conv(4, activation: "relu"), ConvLayerSpec.MaxPool()], Decoder = [ConvLayerSpec.Upsample(), ConvLayerSpec.Conv(3)] };
        random.manual_seed(3);
        using var model = ModelFactory.Create(new ModelSpec { Family = "conv", Name = "hwc", InputShape = [4, 4, 3], Conv = layers });
        using var folder = new TempFolder();
        var settings = new AnomalySettings { Threshold = 1, Percentile = 95, Data = "generated", Holdout = 0.1, TrainingSamples = 0, HoldoutSamples = 0, HoldoutFlagged = 0 };
        ModelFolder.Save(model, folder["conv"], new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { [AnomalySettings.Field] = settings.ToJson() });
        var generator = new Random(4);
        var rows = Enumerable.Range(0, 100).Select(_ => Enumerable.Range(0, 48).Select(_ => (float)generator.NextDouble()).ToArray()).ToArray();
        var reference = Reference(folder["conv"], rows);
        using var scorer = new BatchScorer(model, null, 64);
        var scores = new double[rows.Length];
        scorer.Score(rows.Length, BatchScorer.RowMajor(rows.SelectMany(r => r).ToArray(), 48), scores);
        AssertNearReference(reference, scores, "conv, batches of 64");
    }

    [Fact]
    public void Errors_of_a_tensor_leave_the_callers_batch_as_it_was()
    {
        var folder = Fixture("tabular-detector");
        var rows = TestRows("tabular-detector")[..50];
        using var detector = AnomalyDetector.Load(folder);
        using var scope = NewDisposeScope();
        var batch = tensor(rows.SelectMany(r => r).ToArray(), [50, 16]);
        var before = batch.clone();
        AssertNearReference(Reference(folder, rows), detector.Errors(batch).to_type(ScalarType.Float64).data<double>().ToArray(), "Errors(tensor)");
        Assert.True(batch.eq(before).all().item<bool>());
        // Without a scaler the model reads the caller's tensor itself; the errors still overwrite only the reconstruction.
        var unscaled = AnomalyDetector.ErrorsOf(detector.Model, null, batch);
        Assert.True(batch.eq(before).all().item<bool>());
        Assert.Equal(50, unscaled.shape[0]);
    }

    [Fact]
    public void A_scorer_refuses_a_scaler_of_another_width_and_scores_space_of_another_length()
    {
        using var detector = AnomalyDetector.Load(Fixture("tabular-detector"));
        var narrow = new FeatureScaler(ScalerKind.Standard, new float[3], [1f, 1f, 1f]);
        Assert.Throws<ArgumentException>(() => new BatchScorer(detector.Model, narrow));
        using var scorer = new BatchScorer(detector.Model, detector.Settings.Scaler);
        Assert.Throws<ArgumentException>(() => scorer.Score(4, BatchScorer.RowMajor(new float[64], 16), new double[3]));
        using var images = DataSource.Load(Fixture("images-test.npy"));
        Assert.Contains("samples have 64 values, but the model takes 16", Assert.Throws<BadInputException>(() => scorer.Score(images.Train, new double[images.Train.Count])).Message);
    }
}
