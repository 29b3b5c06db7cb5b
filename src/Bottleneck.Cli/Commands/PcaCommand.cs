using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Pca;
using Bottleneck.IO;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck pca`: fits PCA on the training data, reports its reconstruction error and explained variance, and saves it as a model.</summary>
internal static class PcaCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var components = new Option<int>("--components", "-k") { Description = "Number of principal components k", DefaultValueFactory = _ => 32 };
        var method = new Option<string>("--method")
        {
            Description = "svd: SVD of the whole centred training matrix in memory; covariance: one streaming pass that accumulates the " +
                          "d×d covariance, then its eigenvectors (exact too, with d² numbers in memory)",
            DefaultValueFactory = _ => "covariance",
        };
        var limit = SharedOptions.Limit("Fit on the first N training samples only");
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default runs/pca-<k>)" };
        var json = SharedOptions.Json();
        var reading = new DataOptionSet();
        var command = new Command("pca", """
            Fit PCA with k components on the training data (centred on its mean, as sklearn's PCA) and report the test
            reconstruction MSE (mean per pixel), PSNR and the explained variance. Writes OUT/model.json and
            weights.safetensors (the PCA as a linear autoencoder, so encode, decode, evaluate and reconstruct take it),
            pca.safetensors (exact float64 mean, components and variances), metrics.json, explained-variance.png and,
            for images, reconstructions.png.

            Examples:
              bottleneck pca --data mnist --components 32 --out runs/pca-32
              bottleneck encode --model runs/pca-32 --data mnist --out pca-codes.npy
            """) { data, components, method, limit, output, json };
        reading.AddTo(command);
        CommandAction.Set(command, "pca", parsed =>
        {
            var k = parsed.GetValue(components);
            if (k < 1) throw new BadInputException($"--components: expected a positive number of components, got {k}");
            var how = ParseMethod(parsed.GetValue(method)!);
            var dataName = parsed.GetRequiredValue(data);
            var outDir = parsed.GetValue(output) ?? Path.Combine("runs", $"pca-{k}");
            OutputPath.CheckFolder(outDir);
            using var held = PcaRunFolder.LockIfExists(outDir);
            using var fit = ConsoleProgress.Run(progress => PcaFitting.Fit(dataName, reading.Read(parsed), k, how, parsed.GetValue(limit), progress));
            var metrics = PcaRunFolder.Write(outDir, fit, held);
            var pca = fit.Pca;
            if (parsed.GetValue(json))
            {
                Console.WriteLine(FiniteJson.Serialize(metrics, "--json"));
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("data", Markup.Escape(fit.Name));
            table.AddRow("fitted on", $"{pca.Samples:N0} training samples of {pca.Dimension} values{(fit.Streamed ? ", streamed in chunks" : "")}");
            table.AddRow("components k", $"{k} ({fit.CompressionRatio:F1}× fewer numbers)");
            table.AddRow("method", $"{PcaFolder.MethodName(how)} ({fit.FitSeconds:F1} s)");
            table.AddRow("explained variance", $"{100 * pca.ExplainedVarianceRatioTotal:F2} %");
            table.AddRow("train MSE (per pixel; the optimum)", pca.TrainingMse.ToString("F5", CultureInfo.InvariantCulture));
            if (fit.EvaluatedOn == "test") table.AddRow("test MSE (mean per pixel)", fit.Mse.ToString("F5", CultureInfo.InvariantCulture));
            if (fit.Psnr is double db) table.AddRow($"{fit.EvaluatedOn} PSNR", db.ToString("F2", CultureInfo.InvariantCulture) + " dB");
            AnsiConsole.Write(table);
            Console.WriteLine($"wrote the PCA and {string.Join(", ", metrics["figures"]!.AsArray().Select(f => (string)f!))} to {outDir}");
            return CommandRunner.Success;
        });
        return command;
    }

    /// <summary>Parses --method.</summary>
    static PcaMethod ParseMethod(string name) => name.ToLowerInvariant() switch
    {
        "svd" => PcaMethod.Svd,
        "covariance" or "incremental" => PcaMethod.Covariance,
        _ => throw new BadInputException($"--method: expected svd or covariance, got '{name}'"),
    };
}
