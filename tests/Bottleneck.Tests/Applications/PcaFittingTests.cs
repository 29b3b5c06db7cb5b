using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>`bottleneck pca`'s library half against numpy (float64 on the same float32 values), and its folder's keys.</summary>
public class PcaFittingTests : IDisposable
{
    // Values rounded to 3 decimals and stored as float32; numpy (float64) on exactly these values:
    //   rng = np.random.default_rng(4); train = rng.random((6, 3)).round(3).astype(np.float32); test = rng.random((3, 3)).round(3).astype(np.float32)
    //   X = train.astype(np.float64); mu = X.mean(0); w, V = np.linalg.eigh(np.cov(X.T)); o = np.argsort(w)[::-1]; w, V = w[o], V[:, o]; P = V[:, :1]
    //   mse(D) = ((D − mu) − (D − mu) P Pᵀ)² summed / D.size
    static readonly float[][] Train =
    [
        [0.943f, 0.511f, 0.976f], [0.081f, 0.607f, 0.376f], [0.802f, 0.175f, 0.872f],
        [0.544f, 0.902f, 0.477f], [0.43f, 0.789f, 0.984f], [0.37f, 0.969f, 0.929f],
    ];
    static readonly float[][] Test = [[0.178f, 0.609f, 0.705f], [0.943f, 0.666f, 0.133f], [0.498f, 0.494f, 0.5f]];
    const double NumpyTrainMse = 0.026646305315474048, NumpyTestMse = 0.08185734035520988, NumpyPsnr = 10.869423702187333,
                 NumpyExplained = 0.6246535792840548;

    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static Dataset Rows(float[][] rows, string name)
    {
        var t = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        t.DetachFromDisposeScope();
        return new Dataset(name, t);
    }

    [Theory]
    [InlineData(nameof(PcaMethod.Covariance))]
    [InlineData(nameof(PcaMethod.Svd))]
    public void In_memory_it_fits_on_train_and_measures_test_as_numpy_does(string methodName)
    {
        // The enum is internal: a public theory takes its name.
        var method = Enum.Parse<PcaMethod>(methodName);
        var log = new StageLog();
        using var fit = PcaFitting.InMemory(new LoadedData("tiny", "memory", Rows(Train, "train"), Rows(Test, "test")), 1, method, progress: log);
        Assert.Equal(("test", 3L, false), (fit.EvaluatedOn, fit.EvaluatedCount, fit.Streamed));
        Assert.Equal(NumpyTestMse, fit.Mse, 6);
        Assert.Equal(NumpyPsnr, fit.Psnr!.Value, 4);
        Assert.Equal(NumpyTrainMse, fit.Pca.TrainingMse, 6);
        Assert.Equal(NumpyExplained, fit.Pca.ExplainedVarianceRatioTotal, 6);
        Assert.Equal(3.0, fit.CompressionRatio);
        Assert.Equal(["fitting the PCA", "measuring the reconstruction error"], log.Stages());
        Assert.Equal(new StageProgress("fitting the PCA", 6, 6), log.Last("fitting the PCA"));
        Assert.Equal(new StageProgress("measuring the reconstruction error", 3, 3), log.Last("measuring the reconstruction error"));
    }

    [Fact]
    public void A_limit_fits_on_the_first_samples_and_without_a_test_part_train_is_measured()
    {
        using var fit = PcaFitting.InMemory(new LoadedData("tiny", "memory", Rows([.. Train, [9f, 9f, 9f]], "train"), null), 1, PcaMethod.Covariance, limit: 6);
        Assert.Equal(("train", 6L, 6L), (fit.EvaluatedOn, fit.EvaluatedCount, fit.Pca.Samples));
        Assert.Equal(NumpyTrainMse, fit.Mse, 6);   // the 7th row (far off) was left out
    }

    [Fact]
    public void A_streamed_csv_gives_numpys_training_error_and_no_psnr_outside_0_1()
    {
        // The same rows times 3: every variance ×9, so the MSE is 9 × numpy's, and values above 1 rule PSNR out.
        var path = folder["rows.csv"];
        File.WriteAllLines(path, Train.Select(r => string.Join(',', r.Select(v => (3 * (double)v).ToString("R", CultureInfo.InvariantCulture)))));
        var log = new StageLog();
        using var fit = PcaFitting.Fit(path, new DataOptions { CsvHeader = false }, 1, PcaMethod.Covariance, progress: log);
        Assert.True(fit.Streamed);
        Assert.Equal(("rows.csv", "train", 6L), (fit.Name, fit.EvaluatedOn, fit.EvaluatedCount));
        Assert.Equal(9 * NumpyTrainMse, fit.Mse, 5);
        Assert.Null(fit.Psnr);
        var read = log.Last(CsvPca.Reading);
        Assert.Equal(new FileInfo(path).Length, read.Total);
        Assert.Equal(read.Total, read.Done);
    }

    [Fact]
    public void Constant_data_is_refused_with_its_name()
    {
        var constant = Enumerable.Range(0, 4).Select(_ => new[] { 0.5f, 0.5f }).ToArray();
        var error = Assert.Throws<BadInputException>(() => PcaFitting.InMemory(new LoadedData("flat", "memory", Rows(constant, "flat"), null), 1, PcaMethod.Covariance));
        Assert.StartsWith("flat: every value is the same in all 4 samples", error.Message);
    }

    [Fact]
    public void The_folder_is_a_model_with_metrics_named_after_the_part_measured()
    {
        using (var fit = PcaFitting.InMemory(new LoadedData("tiny", "memory", Rows(Train, "train"), Rows(Test, "test")), 1, PcaMethod.Covariance))
        {
            var metrics = PcaRunFolder.Write(folder["test"], fit);
            Assert.Equal(["data", "components", "method", "train_samples", "sample_size", "explained_variance_ratio", "explained_variance_ratio_per_component",
                          "train_mse", "evaluated_on", "test_mse", "test_psnr", "evaluated_samples", "streamed", "compression_ratio", "fit_seconds", "units", "figures"],
                metrics.Select(p => p.Key).ToArray());
            var written = JsonNode.Parse(File.ReadAllText(Path.Combine(folder["test"], "metrics.json")))!.AsObject();
            Assert.Equal(metrics.Select(p => p.Key), written.Select(p => p.Key));
            Assert.Equal(NumpyTestMse, (double)written["test_mse"]!, 6);
            Assert.Equal(["explained-variance.png"], written["figures"]!.AsArray().Select(f => (string)f!));   // 3 values are no image
            foreach (var file in new[] { "model.json", "weights.safetensors", "pca.safetensors", "explained-variance.png" })
                Assert.True(File.Exists(Path.Combine(folder["test"], file)), file);
        }
        using (var fit = PcaFitting.InMemory(new LoadedData("tiny", "memory", Rows(Train, "train"), null), 1, PcaMethod.Covariance))
        {
            var metrics = PcaRunFolder.Write(folder["train"], fit);
            // Measured on train: train_mse is that measurement, and the PSNR key says train.
            Assert.Equal(["data", "components", "method", "train_samples", "sample_size", "explained_variance_ratio", "explained_variance_ratio_per_component",
                          "train_mse", "evaluated_on", "train_psnr", "evaluated_samples", "streamed", "compression_ratio", "fit_seconds", "units", "figures"],
                metrics.Select(p => p.Key).ToArray());
            Assert.Equal(NumpyTrainMse, (double)metrics["train_mse"]!, 6);
        }
    }
}
