using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck pca`: fits PCA on the training data, reports its reconstruction error and explained variance, and saves it as a model.</summary>
public static class PcaCommand
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
        var threads = SharedOptions.Threads();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();
        var command = new Command("pca", """
            Fit PCA with k components on the training data (centred on its mean, as sklearn's PCA) and report the test
            reconstruction MSE (mean per pixel), PSNR and the explained variance. Writes OUT/model.json and
            weights.safetensors (the PCA as a linear autoencoder, so encode, decode, evaluate and reconstruct take it),
            pca.safetensors (exact float64 mean, components and variances), metrics.json, explained-variance.png and,
            for images, reconstructions.png.

            Examples:
              bottleneck pca --data mnist --components 32 --out runs/pca-32
              bottleneck encode --model runs/pca-32 --data mnist --out pca-codes.npy
            """) { data, components, method, limit, output, json, threads, fashion, header, label };
        command.SetAction(CommandRunner.Guard("pca", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            var k = parsed.GetValue(components);
            if (k < 1) throw new BadInputException($"--components: expected a positive number of components, got {k}");
            var how = ParseMethod(parsed.GetValue(method)!);
            var dataName = parsed.GetRequiredValue(data);
            var outDir = parsed.GetValue(output) ?? Path.Combine("runs", $"pca-{k}");
            OutputPath.CheckFolder(outDir);
            var clock = Stopwatch.StartNew();
            PcaRun run = how == PcaMethod.Covariance && dataName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? StreamCsv(dataName, k, parsed.GetValue(limit), SharedOptions.DataOptions(parsed, fashion, header, label))
                : InMemory(dataName, k, how, parsed.GetValue(limit), SharedOptions.DataOptions(parsed, fashion, header, label));
            double fitSeconds = clock.Elapsed.TotalSeconds;
            using var loaded = run.Loaded;
            using var pca = run.Pca;
            // Constant data has no direction of variance: no component, ratio or plot means anything, so nothing is written.
            if (!(pca.TotalVariance > 0))
                throw new BadInputException($"{run.Name}: every value is the same in all {pca.Samples:N0} samples (total variance {pca.TotalVariance:G3}): PCA has no variance to explain");
            var (evaluatedOn, mse, evaluatedCount) = (run.EvaluatedOn, run.Mse, run.EvaluatedCount);
            var (low, high) = run.Range;
            double? psnr = low >= 0 && high <= 1 ? ReconstructionMetrics.PsnrFromMse(mse) : null;   // PSNR assumes a peak of 1
            var train = (Count: pca.Samples, SampleSize: (long)pca.Dimension, SampleShape: pca.SampleShape);

            var metrics = new JsonObject
            {
                ["data"] = run.Name,
                ["components"] = k,
                ["method"] = PcaFolder.MethodName(how),
                ["train_samples"] = train.Count,
                ["sample_size"] = train.SampleSize,
                ["explained_variance_ratio"] = pca.ExplainedVarianceRatioTotal,
                ["explained_variance_ratio_per_component"] = new JsonArray(pca.ExplainedVarianceRatio.Select(v => (JsonNode)v).ToArray()),
                ["train_mse"] = pca.TrainingMse,
                ["evaluated_on"] = evaluatedOn,
                [evaluatedOn + "_mse"] = mse,
                [evaluatedOn + "_psnr"] = psnr,
                ["evaluated_samples"] = evaluatedCount,
                ["streamed"] = loaded is null,
                ["compression_ratio"] = (double)train.SampleSize / k,
                ["fit_seconds"] = Math.Round(fitSeconds, 3),
                ["units"] = new JsonObject
                {
                    ["mse"] = "mean per element (pixel), data as scaled for training (images: x / 255)",
                    ["psnr"] = "dB, 10·log10(1/mse) for data in [0, 1] (null for data outside it)",
                    ["explained_variance_ratio"] = "fraction of the total variance (trace of the covariance) the k components keep",
                },
            };
            Directory.CreateDirectory(outDir);
            using var held = OutputLock.Acquire(outDir);   // another run writing the same folder is refused, not interleaved
            PcaFolder.Save(pca, outDir, new Dictionary<string, JsonNode?>
            {
                ["data"] = new JsonObject
                {
                    ["name"] = run.Name,
                    ["sample_shape"] = new JsonArray(train.SampleShape.Select(d => (JsonNode)d).ToArray()),
                    ["scaling"] = run.Scaling,
                },
            });
            var figures = new List<string> { "explained-variance.png" };
            ExplainedVariancePlot.SavePng(Path.Combine(outDir, "explained-variance.png"),
                $"PCA on {run.Name}: cumulative explained variance", pca.Spectrum, k);
            if (loaded is not null && ImageShape.Of(run.Evaluation!.SampleShape) is { } shape)
            {
                using var model = pca.ToAutoencoder();
                ReconstructionGrid.Save(Path.Combine(outDir, "reconstructions.png"), model, run.Evaluation!, shape, (int)Math.Min(10, evaluatedCount),
                    $"PCA with {k} components on {run.Name}: originals and reconstructions");
                figures.Add("reconstructions.png");
            }
            metrics["figures"] = new JsonArray(figures.Select(f => (JsonNode)f).ToArray());
            AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), FiniteJson.Serialize(metrics, Path.Combine(outDir, "metrics.json"), new JsonSerializerOptions { WriteIndented = true }));

            if (parsed.GetValue(json))
            {
                Console.WriteLine(FiniteJson.Serialize(metrics, "--json"));
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("data", Markup.Escape(run.Name));
            table.AddRow("fitted on", $"{train.Count:N0} training samples of {train.SampleSize} values{(loaded is null ? ", streamed in chunks" : "")}");
            table.AddRow("components k", $"{k} ({(double)train.SampleSize / k:F1}× fewer numbers)");
            table.AddRow("method", $"{PcaFolder.MethodName(how)} ({fitSeconds:F1} s)");
            table.AddRow("explained variance", $"{100 * pca.ExplainedVarianceRatioTotal:F2} %");
            table.AddRow("train MSE (per pixel; the optimum)", pca.TrainingMse.ToString("F5", CultureInfo.InvariantCulture));
            if (evaluatedOn == "test") table.AddRow("test MSE (mean per pixel)", mse.ToString("F5", CultureInfo.InvariantCulture));
            if (psnr is double db) table.AddRow($"{evaluatedOn} PSNR", db.ToString("F2", CultureInfo.InvariantCulture) + " dB");
            AnsiConsole.Write(table);
            Console.WriteLine($"wrote the PCA and {string.Join(", ", figures)} to {outDir}");
            return CommandRunner.Success;
        }));
        return command;
    }

    /// <summary>Parses --method.</summary>
    public static PcaMethod ParseMethod(string name) => name.ToLowerInvariant() switch
    {
        "svd" => PcaMethod.Svd,
        "covariance" or "incremental" => PcaMethod.Covariance,
        _ => throw new BadInputException($"--method: expected svd or covariance, got '{name}'"),
    };

    /// <summary>A fitted PCA with what the report needs: where it was evaluated, its MSE there and the data's range.</summary>
    sealed record PcaRun(string Name, Pca Pca, LoadedData? Loaded, Dataset? Evaluation, string EvaluatedOn, double Mse,
        long EvaluatedCount, (double Low, double High) Range, string Scaling);

    // The data in memory: fit on the training split, evaluate on the test split where there is one.
    static PcaRun InMemory(string dataName, int k, PcaMethod how, int? limit, DataOptions options)
    {
        var loaded = DataSource.Load(dataName, options);
        var train = Limited(loaded.Train, limit);
        DataFit.CheckValues(train, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
        Pca.CheckComponents(k, train.Count, train.SampleSize);
        var pca = Pca.Fit(train, k, how);
        var evaluation = loaded.Test ?? train;
        return new PcaRun(loaded.Name, pca, loaded, evaluation, loaded.Test is null ? "train" : "test", pca.Mse(evaluation),
            evaluation.Count, evaluation.Range(), train.IsBytes ? "x / 255" : "none");
    }

    // A CSV file with the covariance method is streamed, so it may be larger than memory. It has no test split, and
    // the training MSE follows from the spectrum (the discarded eigenvalues), so one pass over the file is enough.
    static PcaRun StreamCsv(string path, int k, int? limit, DataOptions options)
    {
        if (limit is < 1) throw new BadInputException($"--limit: expected a positive number of samples, got {limit}");
        var fit = CsvPca.Fit(path, new CsvReadOptions { HasHeader = options.CsvHeader, LabelColumn = options.LabelColumn }, k, limit);
        return new PcaRun(Path.GetFileName(path), fit.Pca, null, null, "train", fit.Pca.TrainingMse, fit.Pca.Samples,
            (fit.Minimum, fit.Maximum), "none");
    }

    /// <summary>The first <paramref name="limit"/> samples, or all of them.</summary>
    public static Dataset Limited(Dataset data, int? limit)
    {
        if (limit is not int n) return data;
        if (n < 1) throw new BadInputException($"--limit: expected a positive number of samples, got {n}");
        return n < data.Count ? data.Slice(0, n) : data;
    }
}
