using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck pca-equivalence`: the chapter's §5.3 claim that a linear autoencoder learns PCA's subspace, measured, and what breaks it.</summary>
internal static class PcaEquivalenceCommand
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
        var reading = new DataOptionSet();
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
            """) { data, components, epochs, batchSize, lr, variants, limit, output, seed, json };
        reading.AddTo(command);
        CommandAction.Set(command, "pca-equivalence", parsed =>
        {
            int k = parsed.GetValue(components);
            if (k < 1) throw new BadInputException($"--components: expected a positive number of components, got {k}");
            var chosen = parsed.GetValue(variants)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(EquivalenceVariant.Get).Distinct().ToList();
            var options = new TrainingOptions
            {
                Epochs = parsed.GetValue(epochs), BatchSize = parsed.GetValue(batchSize), LearningRate = parsed.GetValue(lr), Seed = parsed.GetValue(seed),
            };
            options.Validate();
            var outDir = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outDir);

            using var loaded = DataSource.Load(parsed.GetRequiredValue(data), reading.Read(parsed));
            var train = DataSelection.First(loaded.Train, parsed.GetValue(limit));
            // The epochs are the progress: one line each on stderr, as the chapter's training logs.
            double optimum = double.NaN;
            var report = Interruptible.Run(cancel => EquivalenceStudy.Run(train, loaded.Test, loaded.Name, k, chosen, options,
                pca =>
                {
                    optimum = pca.TrainingMse;
                    Console.Error.WriteLine($"PCA-{k} on {train.Count:N0} samples: training MSE {pca.TrainingMse:F6} (the optimum), explained variance {100 * pca.ExplainedVarianceRatioTotal:F2} %");
                },
                (variant, e) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{variant.Name}: epoch {e.Epoch}/{options.Epochs}  loss {e.Loss:F6}  overlap {e.DecoderOverlap:F5} (W_d) {e.EncoderOverlap:F5} (W_e) {e.EncoderSupportOverlap:F5} (W_e in the data's span)  train MSE / PCA {e.TrainMse / optimum:F4}")),
                cancel));
            EquivalenceFolder.Write(outDir, report);

            if (parsed.GetValue(json))
            {
                Console.WriteLine(EquivalenceFolder.Json(report).ToJsonString());
                return CommandRunner.Success;
            }
            string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"k = {k}, {train.Count:N0} training samples, {options.Epochs} epochs of Adam (lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)})")
                .AddColumn("variant").AddColumn(new TableColumn("overlap\nW_d").RightAligned()).AddColumn(new TableColumn("overlap\nW_e").RightAligned())
                .AddColumn(new TableColumn("W_e in\ndata span").RightAligned()).AddColumn(new TableColumn("MSE/PCA\ntrain").RightAligned())
                .AddColumn(new TableColumn("overlap\n0.99 at").RightAligned()).AddColumn(new TableColumn("MSE 1.01\nat epoch").RightAligned());
            foreach (var r in report.Variants)
                table.AddRow(r.Variant.Name, F(r.Decoder.Overlap), F(r.Encoder.Overlap), F(r.EncoderOnSupport.Overlap), F(r.TrainMseRatio),
                    r.FirstEpochWithOverlap(0.99)?.ToString(CultureInfo.InvariantCulture) ?? "-", r.FirstEpochWithinMse(1.01)?.ToString(CultureInfo.InvariantCulture) ?? "-");
            AnsiConsole.Write(table);
            Console.WriteLine($"PCA-{k}: training MSE {F(report.PcaTrainMse, "F6")} per pixel (the optimum of the linear autoencoder's objective). Wrote {outDir}/equivalence.json, overlap.png, mse-ratio.png.");
            return CommandRunner.Success;
        });
        return command;
    }
}
