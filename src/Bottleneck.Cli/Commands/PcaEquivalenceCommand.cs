using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck pca-equivalence`: the chapter's §5.3 claim that a linear autoencoder learns PCA's subspace, measured, and what breaks it.</summary>
public static class PcaEquivalenceCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var components = new Option<int>("--components", "-k") { Description = "Code size k, and PCA's number of components", DefaultValueFactory = _ => 32 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs for each variant", DefaultValueFactory = _ => 30 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var lr = new Option<double>("--lr") { Description = "Adam's learning rate", DefaultValueFactory = _ => 1e-3 };
        var variants = new Option<string>("--variants")
        {
            Description = "Comma-separated variants to run: " + string.Join(", ", EquivalenceVariant.All.Select(v => v.Name)),
            DefaultValueFactory = _ => string.Join(",", EquivalenceVariant.All.Select(v => v.Name)),
        };
        var limit = SharedOptions.Limit("Train (and fit PCA) on the first N training samples only");
        var output = new Option<string>("--out", "-o") { Description = "Output folder for equivalence.json and the plots", DefaultValueFactory = _ => Path.Combine("runs", "pca-equivalence") };
        var seed = SharedOptions.Seed();
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();
        var command = new Command("pca-equivalence", """
            The chapter's §5.3 theorem, measured: a single-layer autoencoder d → k → d with a linear encoder and decoder,
            MSE loss and mean-centred data should learn the subspace of PCA's top k components and reach PCA's error.
            Each variant is trained with Adam, and after every epoch its decoder's column space and encoder's row space
            are compared with PCA's subspace: the subspace overlap ‖Q_aeᵀ Q_pca‖²_F / k (1 = identical), the principal
            angles, and the training MSE over PCA's optimum. Then one condition is broken at a time: uncentred data (with
            and without biases), a ReLU code, a sigmoid output with BCE. Writes OUT/equivalence.json, overlap.png and
            mse-ratio.png. Progress goes to stderr.

            Example:
              bottleneck pca-equivalence --data mnist --components 32 --epochs 30
            """) { data, components, epochs, batchSize, lr, variants, limit, output, seed, json, threads, fashion, header, label };
        command.SetAction(CommandRunner.Guard("pca-equivalence", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            int k = parsed.GetValue(components);
            if (k < 1) throw new BadInputException($"--components: expected a positive number of components, got {k}");
            var chosen = parsed.GetValue(variants)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(EquivalenceVariant.Get).Distinct().ToList();
            if (chosen.Count == 0) throw new BadInputException("--variants: name at least one variant");
            var options = new TrainingOptions
            {
                Epochs = parsed.GetValue(epochs),
                BatchSize = parsed.GetValue(batchSize),
                LearningRate = parsed.GetValue(lr),
                Seed = parsed.GetValue(seed),
            };
            options.Validate();
            var outDir = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outDir);

            using var loaded = DataSource.Load(parsed.GetRequiredValue(data), SharedOptions.DataOptions(parsed, fashion, header, label));
            var train = PcaCommand.Limited(loaded.Train, parsed.GetValue(limit));
            var test = loaded.Test;
            DataFit.CheckValues(train, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            Pca.CheckComponents(k, train.Count, train.SampleSize);
            if (chosen.Any(v => v.SigmoidBce))
            {
                var (min, max) = train.Range();
                if (min < 0 || max > 1)
                    throw new BadInputException($"{train.Name}: values span [{min:G4}, {max:G4}], but the sigmoid-bce variant needs data in [0, 1] (leave it out with --variants)");
            }

            using var pca = Pca.FitCovariance(train, k);
            using var mean = pca.Mean;
            using var centredTrain = PcaEquivalence.Centred(train, mean);
            using var centredTest = test is null ? null : PcaEquivalence.Centred(test, mean);
            using var dataSpan = PcaEquivalence.DataSpan(train, pca);
            Console.Error.WriteLine($"PCA-{k} on {train.Count:N0} samples: training MSE {pca.TrainingMse:F6} (the optimum), explained variance {100 * pca.ExplainedVarianceRatioTotal:F2} %");

            var results = Interruptible.Run(cancel =>
            {
                var done = new List<EquivalenceResult>();
                foreach (var variant in chosen)
                {
                    if (cancel.IsCancellationRequested) break;
                    done.Add(PcaEquivalence.Run(variant, pca, dataSpan, train, test, centredTrain, centredTest, options,
                        e => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{variant.Name}: epoch {e.Epoch}/{options.Epochs}  loss {e.Loss:F6}  overlap {e.DecoderOverlap:F5} (W_d) {e.EncoderOverlap:F5} (W_e) {e.EncoderSupportOverlap:F5} (W_e in the data's span)  train MSE / PCA {e.TrainMse / pca.TrainingMse:F4}")),
                        cancel));
                }
                return done;
            });

            Directory.CreateDirectory(outDir);
            var report = Report(loaded.Name, train.Count, k, dataSpan.shape[1], options, pca, results);
            AtomicFile.WriteAllText(Path.Combine(outDir, "equivalence.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            OverlapPlot.SavePng(Path.Combine(outDir, "overlap.png"), $"Single-layer AE vs PCA-{k} on {loaded.Name}: decoder subspace overlap",
                results.Select(r => (r.Variant.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(e => e.DecoderOverlap).ToArray())).ToList());
            LinePlot.SavePng(Path.Combine(outDir, "mse-ratio.png"), $"Single-layer AE vs PCA-{k} on {loaded.Name}: training MSE over PCA's optimum",
                "Epoch", "Training MSE / PCA's MSE (log scale)",
                results.Select(r => (r.Variant.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(e => e.TrainMse / r.PcaTrainMse).ToArray())).ToList(),
                logY: true);

            if (parsed.GetValue(json))
            {
                Console.WriteLine(report.ToJsonString());
                return CommandRunner.Success;
            }
            string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"k = {k}, {train.Count:N0} training samples, {options.Epochs} epochs of Adam (lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)})")
                .AddColumn("variant").AddColumn(new TableColumn("overlap\nW_d").RightAligned()).AddColumn(new TableColumn("overlap\nW_e").RightAligned())
                .AddColumn(new TableColumn("W_e in\ndata span").RightAligned()).AddColumn(new TableColumn("MSE/PCA\ntrain").RightAligned())
                .AddColumn(new TableColumn("overlap\n0.99 at").RightAligned()).AddColumn(new TableColumn("MSE 1.01\nat epoch").RightAligned());
            foreach (var r in results)
                table.AddRow(r.Variant.Name, F(r.Decoder.Overlap), F(r.Encoder.Overlap), F(r.EncoderOnSupport.Overlap), F(r.TrainMseRatio),
                    r.FirstEpochWithOverlap(0.99)?.ToString(CultureInfo.InvariantCulture) ?? "-", r.FirstEpochWithinMse(1.01)?.ToString(CultureInfo.InvariantCulture) ?? "-");
            AnsiConsole.Write(table);
            Console.WriteLine($"PCA-{k}: training MSE {F(pca.TrainingMse, "F6")} per pixel (the optimum of the linear autoencoder's objective). Wrote {outDir}/equivalence.json, overlap.png, mse-ratio.png.");
            return CommandRunner.Success;
        }));
        return command;
    }

    static JsonObject Report(string data, int samples, int k, long dataSpanDimension, TrainingOptions options, Pca pca, IReadOnlyList<EquivalenceResult> results) => new()
    {
        ["data"] = data,
        ["train_samples"] = samples,
        ["components"] = k,
        ["epochs"] = options.Epochs,
        ["batch_size"] = options.BatchSize,
        ["optimizer"] = "adam",
        ["learning_rate"] = options.LearningRate,
        ["seed"] = options.Seed,
        ["data_span_dimension"] = dataSpanDimension,
        ["pca"] = new JsonObject
        {
            ["train_mse"] = pca.TrainingMse,
            ["test_mse"] = results.FirstOrDefault()?.PcaTestMse,
            ["explained_variance_ratio"] = pca.ExplainedVarianceRatioTotal,
        },
        ["variants"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Variant.Name,
            ["description"] = r.Variant.Description,
            ["centred"] = r.Variant.Centred,
            ["biases"] = r.Variant.Biases,
            ["code"] = r.Variant.ReluCode ? "relu" : "linear",
            ["output_and_loss"] = r.Variant.SigmoidBce ? "sigmoid + bce" : "linear + mse",
            ["decoder_overlap"] = r.Decoder.Overlap,
            ["encoder_overlap"] = r.Encoder.Overlap,
            ["encoder_overlap_on_data_span"] = r.EncoderOnSupport.Overlap,
            ["decoder_cosines"] = new JsonArray(r.Decoder.Cosines.Select(c => (JsonNode)c).ToArray()),
            ["encoder_cosines"] = new JsonArray(r.Encoder.Cosines.Select(c => (JsonNode)c).ToArray()),
            ["decoder_largest_angle_degrees"] = r.Decoder.LargestAngleDegrees,
            ["encoder_largest_angle_degrees"] = r.Encoder.LargestAngleDegrees,
            ["decoder_projector_distance"] = r.Decoder.ProjectorDistance,
            ["train_mse"] = r.TrainMse,
            ["train_mse_ratio"] = r.TrainMseRatio,
            ["test_mse"] = r.TestMse,
            ["test_mse_ratio"] = r.TestMseRatio,
            ["decoder_bias_norm"] = r.DecoderBiasNorm,
            ["first_epoch_overlap_0_99"] = r.FirstEpochWithOverlap(0.99),
            ["first_epoch_mse_within_1_percent"] = r.FirstEpochWithinMse(1.01),
            ["seconds"] = Math.Round(r.Seconds, 2),
            ["per_epoch"] = new JsonArray(r.Epochs.Select(e => (JsonNode)new JsonObject
            {
                ["epoch"] = e.Epoch, ["loss"] = e.Loss, ["decoder_overlap"] = e.DecoderOverlap, ["encoder_overlap"] = e.EncoderOverlap,
                ["encoder_overlap_on_data_span"] = e.EncoderSupportOverlap,
                ["train_mse"] = e.TrainMse,
            }).ToArray()),
        }).ToArray()),
        ["units"] = new JsonObject
        {
            ["overlap"] = "‖Q_aeᵀ Q_pca‖²_F / k: mean squared cosine of the principal angles, 1 = identical subspaces",
            ["mse"] = "mean per element (pixel) in data space, whatever the variant trains on",
            ["loss"] = "the variant's training loss, mean per element (mse or bce)",
        },
    };
}
