using Bottleneck.Applications.Pca;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.Applications.Inspection;
using Bottleneck.Data;
using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>`bottleneck errors`' library half: the per-sample errors of a model with known errors, and the folder's files against numpy.</summary>
public class ReconstructionErrorFolderTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static Dataset Rows(float[][] rows, int[]? labels = null)
    {
        var t = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        t.DetachFromDisposeScope();
        return new Dataset("rows", t, labels);
    }

    [Fact]
    public void Measure_gives_each_samples_squared_distance_off_the_pca_line_over_its_values()
    {
        // PCA-1 of points on the line y = x keeps that line; its autoencoder reconstructs a point by its foot on the line.
        using var train = Rows([[0, 0], [1, 1], [2, 2], [3, 3]]);
        using var pca = PrincipalComponents.FitSvd(train, 1);
        using var model = pca.ToAutoencoder("line");
        // (1, 3) is √2 off the line (foot (2, 2)): squared distance 2, over 2 values = 1. (2, 2) is on it. (0, 2): 2 / 2 = 1.
        // (4, 0): distance 2√2, squared 8, over 2 values = 4.
        using var data = Rows([[1, 3], [2, 2], [0, 2], [4, 0]], [5, 5, 7, 7]);
        var report = ReconstructionErrorReport.Measure(model, data, LossKind.Mse);
        Assert.Equal([1.0, 0.0, 1.0, 4.0], report.Errors.Select(e => Math.Round(e, 5)).ToArray());
        Assert.Equal(("line", "rows", 2L, "MSE"), (report.Model, report.Data, report.SampleSize, report.ErrorName));
        Assert.Equal([5, 7], report.Classes!.Select(c => c.Label).ToArray());
        Assert.Equal(2.5, report.Classes![1].Summary.Mean, 5);   // (1 + 4) / 2
    }

    [Fact]
    public void The_folder_holds_the_histograms_and_csv_files_with_their_columns_and_numpys_summaries()
    {
        // Errors and labels with the summaries numpy gives (mean, std with ddof 0, median, 95th percentile, min, max):
        //   e = np.array([0.1, 0.4, 0.2, 0.3, 1.0]); l = np.array([0, 1, 0, 1, 2])
        //   all:     0.4, 0.31622776601683794, 0.3, 0.8799999999999999, 0.1, 1.0
        //   class 0: 0.15000000000000002, 0.05, 0.15000000000000002, 0.195, max 0.2
        //   class 1: 0.35, 0.05000000000000002, 0.35, 0.395, max 0.4
        //   class 2: 1.0, 0.0, 1.0, 1.0, max 1.0
        double[] errors = [0.1, 0.4, 0.2, 0.3, 1.0];
        int[] labels = [0, 1, 0, 1, 2];
        string[] names = ["zero", "one, uno", "say \"two\""];   // a comma and quotes: quoted as RFC 4180 says
        var report = new ReconstructionErrorReport("m", "d", LossKind.Mae, 784, errors, ErrorSummary.Of(errors), labels, names,
            ClassBreakdown.Of(errors, labels, names));
        var written = ReconstructionErrorFolder.Write(folder.Path, report, bins: 10);
        Assert.Equal(["errors.png", "errors-by-class.png", "classes.csv", "errors.csv", "errors.json"], written);
        foreach (var file in written) Assert.True(File.Exists(folder[file]), file);

        var samples = File.ReadAllLines(folder["errors.csv"]);
        Assert.Equal("index,label,class,mae", samples[0]);
        Assert.Equal(["0,0,zero,0.1", "1,1,\"one, uno\",0.4", "2,0,zero,0.2", "3,1,\"one, uno\",0.3", "4,2,\"say \"\"two\"\"\",1"], samples[1..]);

        var classes = File.ReadAllLines(folder["classes.csv"]);
        Assert.Equal("label,class,count,mean_mae,std,median,p95,max", classes[0]);
        double[][] numpy = [[0.15000000000000002, 0.05, 0.15000000000000002, 0.195, 0.2], [0.35, 0.05000000000000002, 0.35, 0.395, 0.4], [1, 0, 1, 1, 1]];
        var prefixes = new[] { "0,zero,2,", "1,\"one, uno\",2,", "2,\"say \"\"two\"\"\",1," };
        for (int c = 0; c < 3; c++)
        {
            Assert.StartsWith(prefixes[c], classes[1 + c]);
            var values = classes[1 + c][prefixes[c].Length..].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int j = 0; j < 5; j++) Assert.Equal(numpy[c][j], values[j], 12);
        }

        var json = JsonNode.Parse(File.ReadAllText(folder["errors.json"]))!.AsObject();
        Assert.Equal(["model", "data", "error", "unit", "all", "classes"], json.Select(p => p.Key).ToArray());
        Assert.Equal("mae", (string)json["error"]!);
        var all = json["all"]!.AsObject();
        Assert.Equal(["count", "mean", "std", "median", "p95", "min", "max"], all.Select(p => p.Key).ToArray());
        double[] allNumpy = [0.4, 0.31622776601683794, 0.3, 0.8799999999999999, 0.1, 1.0];
        string[] keys = ["mean", "std", "median", "p95", "min", "max"];
        for (int j = 0; j < keys.Length; j++) Assert.Equal(allNumpy[j], (double)all[keys[j]]!, 12);
        Assert.Equal(["count", "mean", "std", "median", "p95", "min", "max", "label", "class"], json["classes"]![1]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal("one, uno", (string)json["classes"]![1]!["class"]!);
    }

    [Fact]
    public void Without_labels_there_is_no_class_breakdown_and_the_label_columns_stay_empty()
    {
        double[] errors = [0.5, 0.25];
        var report = new ReconstructionErrorReport("m", "d", LossKind.Mse, 4, errors, ErrorSummary.Of(errors), null, null, null);
        Assert.Equal(["errors.png", "errors.csv", "errors.json"], ReconstructionErrorFolder.Write(folder.Path, report, bins: 5));
        Assert.Equal(["index,label,class,mse", "0,,,0.5", "1,,,0.25"], File.ReadAllLines(folder["errors.csv"]));
        Assert.Null(JsonNode.Parse(File.ReadAllText(folder["errors.json"]))!["classes"]);
    }
}
