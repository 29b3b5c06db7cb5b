using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Spectre.Console;
using GridRow = Bottleneck.Reporting.GridRow;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck compare`: PCA and a trained autoencoder with the same code size, side by side on the test set (§5.3).</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var model = SharedOptions.Model("A trained model folder");
        var pcaFolder = new Option<string?>("--pca") { Description = "A PCA folder written by 'bottleneck pca' (default: fit PCA on the training data now)" };
        var count = new Option<int>("--count", "-n") { Description = "Number of test images in the picture", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--out", "-o") { Description = "PNG file for the picture (original / PCA / autoencoder rows)", DefaultValueFactory = _ => "compare.png" };
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();
        var command = new Command("compare", """
            Put PCA and a trained autoencoder side by side at the same code size (PCA keeps as many components as the
            model's code has values), on the test set: MSE, MAE and BCE as means per pixel, PSNR in dB, and a picture
            with original, PCA and autoencoder rows. PCA is fitted on the training data (centred, as sklearn's PCA).

            Example:
              bottleneck compare --data mnist --model runs/basic --out compare.png
            """) { data, model, pcaFolder, count, output, json, threads, fashion, header, label };
        command.SetAction(CommandRunner.Guard("compare", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            var n = parsed.GetValue(count);
            if (n < 1) throw new BadInputException($"--count: expected at least 1, got {n}");
            var outPath = parsed.GetValue(output)!;
            OutputPath.CheckFile(outPath);
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var ae = trained.Model;
            using var loaded = DataSource.Load(parsed.GetRequiredValue(data), SharedOptions.DataOptions(parsed, fashion, header, label));
            var evaluatedOn = loaded.Test is null ? "train" : "test";
            TrainingJob.CheckData(loaded.Test ?? loaded.Train, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            // PCA and the autoencoder both see the data as the autoencoder was trained on it (the folder's scaler).
            using var trainData = trained.Prepare(loaded.Train);
            using var testData = loaded.Test is null ? null : trained.Prepare(loaded.Test);
            var test = testData ?? trainData;
            int k = checked((int)ae.CodeShape.Aggregate(1L, (a, b) => a * b));

            using var pca = parsed.GetValue(pcaFolder) is { } folder ? PcaFolder.Load(folder) : Pca.FitCovariance(trainData, CheckedComponents(k, trainData));
            if (pca.Dimension != test.SampleSize)
                throw new BadInputException($"--pca: the PCA takes samples of {pca.Dimension} values, but {test.Name} has {test.SampleSize}");
            using var pcaModel = pca.ToAutoencoder();
            var pcaMetrics = ReconstructionMetrics.Evaluate(pcaModel, test);
            var aeMetrics = ReconstructionMetrics.Evaluate(ae, test);
            var (min, max) = test.Range();
            bool bceMeaningful = min >= 0 && max <= 1;

            if (ImageShape.Of(test.SampleShape) is { } shape)
                SavePicture(outPath, test, shape, FigureCount.Capped("compare", n, test.Count), pcaModel, ae, $"{ae.Spec.Name} against PCA-{pca.ComponentCount} on {loaded.Name} ({evaluatedOn})");

            JsonObject Figures(ReconstructionMetrics m, long parameters) => new()
            {
                ["mse"] = m.Mse, ["mae"] = m.Mae, ["psnr"] = m.Psnr, ["bce"] = bceMeaningful ? m.Bce : null, ["parameters"] = parameters,
            };
            var result = new JsonObject
            {
                ["data"] = loaded.Name,
                ["evaluated_on"] = evaluatedOn,
                ["samples"] = test.Count,
                ["code_size"] = k,
                ["pca"] = Figures(pcaMetrics, (long)pca.ComponentCount * pca.Dimension + pca.Dimension),
                ["autoencoder"] = Figures(aeMetrics, ae.TrainableParameterCount + ae.NonTrainableParameterCount),
                ["pca_components"] = pca.ComponentCount,
                ["pca_explained_variance_ratio"] = pca.ExplainedVarianceRatioTotal,
                ["pca_train_mse"] = pca.TrainingMse,
                ["model"] = ae.Spec.Name,
                ["picture"] = ImageShape.Of(test.SampleShape) is null ? null : outPath,
                ["units"] = new JsonObject
                {
                    ["mse"] = "mean per element", ["mae"] = "mean per element", ["psnr"] = "dB, 10·log10(1/mse) for data in [0, 1]",
                    ["bce"] = "mean per element (nats); PCA's reconstructions are clipped to [1e-7, 1 − 1e-7] first, as Keras clips probabilities",
                    ["parameters"] = "numbers stored: PCA's components and mean, the model's weights",
                },
            };
            if (parsed.GetValue(json))
            {
                Console.WriteLine(result.ToJsonString());
                return CommandRunner.Success;
            }
            string F(double v, string format = "F5") => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{Markup.Escape(loaded.Name)} {evaluatedOn} set, {test.Count:N0} samples, code size {k}")
                .AddColumn("figure").AddColumn(new TableColumn($"PCA-{pca.ComponentCount}").RightAligned())
                .AddColumn(new TableColumn(Markup.Escape(ae.Spec.Name)).RightAligned());
            table.AddRow("MSE (mean per pixel)", F(pcaMetrics.Mse), F(aeMetrics.Mse));
            table.AddRow("MAE (mean per pixel)", F(pcaMetrics.Mae), F(aeMetrics.Mae));
            table.AddRow("PSNR (dB)", F(pcaMetrics.Psnr, "F2"), F(aeMetrics.Psnr, "F2"));
            if (bceMeaningful) table.AddRow("BCE (mean per pixel)*", F(pcaMetrics.Bce), F(aeMetrics.Bce));
            table.AddRow("numbers stored", $"{(long)pca.ComponentCount * pca.Dimension + pca.Dimension:N0}", $"{ae.TrainableParameterCount + ae.NonTrainableParameterCount:N0}");
            AnsiConsole.Write(table);
            if (bceMeaningful) Console.WriteLine("* PCA's reconstructions clipped to [1e-7, 1 - 1e-7] for BCE, as Keras clips probabilities.");
            double change = (aeMetrics.Mse - pcaMetrics.Mse) / pcaMetrics.Mse;
            Console.WriteLine(change <= 0
                ? $"The autoencoder's MSE is {F(-100 * change, "F1")} % lower than PCA's at the same code size."
                : $"PCA's MSE is {F(100 * change / (1 + change), "F1")} % lower than the autoencoder's: the simpler method wins here.");
            if (result["picture"] is not null) Console.WriteLine($"wrote {outPath}");
            return CommandRunner.Success;
        }));
        return command;
    }

    static int CheckedComponents(int k, Dataset train)
    {
        Pca.CheckComponents(k, train.Count, train.SampleSize);
        return k;
    }

    /// <summary>Three rows: the originals with their labels, PCA's reconstructions and the model's, each with its MSE.</summary>
    static void SavePicture(string path, Dataset data, ImageShape shape, int count, Autoencoder pca, Autoencoder ae, string title)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        pca.eval();
        ae.eval();
        var originals = data.Batch(0, count).reshape(count, -1);
        var rows = new List<GridRow> { new("Original", Images(originals), Enumerable.Range(0, count).Select(i => Caption(data, i)).ToArray()) };
        foreach (var (name, model) in new[] { ($"PCA-{pca.CodeShape[0]}", pca), ("Autoencoder", ae) })
        {
            var reconstructed = model.Reconstruct(originals).reshape(count, -1);
            var errors = (reconstructed - originals).square().mean([1]).data<float>().ToArray();
            rows.Add(new GridRow(name, Images(reconstructed), errors.Select(e => $"MSE: {e.ToString("F4", CultureInfo.InvariantCulture)}").ToArray()));
        }
        ImageGrid.SaveWrappedPng(path, title, [rows], shape.Width, shape.Height, shape.Channels);
    }

    /// <summary>"Label: 7", or the class name where the classes have names ("Sneaker"), as the reconstruction grid captions them.</summary>
    static string Caption(Dataset data, int i)
    {
        if (data.Labels is not { } labels) return $"#{i}";
        var label = labels[i];
        return data.ClassNames is { } names && label >= 0 && label < names.Count && !int.TryParse(names[label], out _) ? names[label] : $"Label: {label}";
    }

    static float[][] Images(Tensor batch) =>
        Enumerable.Range(0, (int)batch.shape[0]).Select(i => batch[i].contiguous().data<float>().ToArray()).ToArray();
}
