using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck compare`: PCA and a trained autoencoder with the same code size, side by side on the test set (§5.3).</summary>
internal static class CompareCommand
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
            var (evaluation, evaluatedOn) = loaded.TestOrTrain();
            DataFit.CheckValues(evaluation, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            // PCA and the autoencoder both see the data as the autoencoder was trained on it (the folder's scaler).
            using var trainData = trained.Prepare(loaded.Train);
            using var testData = loaded.Test is null ? null : trained.Prepare(evaluation);
            var test = testData ?? trainData;
            var fitted = parsed.GetValue(pcaFolder) is { } folder ? PcaFolder.Load(folder) : null;
            using var result = ConsoleProgress.Run(progress => PcaComparison.Run(ae, loaded.Name, trainData, test, evaluatedOn, fitted, progress));
            bool drawn = ImageShape.Of(test.SampleShape) is not null
                && result.SavePicture(outPath, ae, test, FigureCount.Capped("compare", n, test.Count));
            if (parsed.GetValue(json))
            {
                Console.WriteLine(result.ToJson(drawn ? outPath : null).ToJsonString());
                return CommandRunner.Success;
            }
            var (pca, auto) = (result.Pca, result.Autoencoder);
            string F(double v, string format = "F5") => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{Markup.Escape(result.Data)} {evaluatedOn} set, {result.Samples:N0} samples, code size {result.CodeSize}")
                .AddColumn("figure").AddColumn(new TableColumn($"PCA-{result.PcaComponents}").RightAligned())
                .AddColumn(new TableColumn(Markup.Escape(result.Model)).RightAligned());
            table.AddRow("MSE (mean per pixel)", F(pca.Mse), F(auto.Mse));
            table.AddRow("MAE (mean per pixel)", F(pca.Mae), F(auto.Mae));
            table.AddRow("PSNR (dB)", F(pca.Psnr, "F2"), F(auto.Psnr, "F2"));
            if (result.BceMeaningful) table.AddRow("BCE (mean per pixel)*", F(pca.Bce!.Value), F(auto.Bce!.Value));
            table.AddRow("numbers stored", $"{pca.Parameters:N0}", $"{auto.Parameters:N0}");
            AnsiConsole.Write(table);
            if (result.BceMeaningful) Console.WriteLine("* PCA's reconstructions clipped to [1e-7, 1 - 1e-7] for BCE, as Keras clips probabilities.");
            double change = (auto.Mse - pca.Mse) / pca.Mse;
            Console.WriteLine(change <= 0
                ? $"The autoencoder's MSE is {F(-100 * change, "F1")} % lower than PCA's at the same code size."
                : $"PCA's MSE is {F(100 * change / (1 + change), "F1")} % lower than the autoencoder's: the simpler method wins here.");
            if (drawn) Console.WriteLine($"wrote {outPath}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
