using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Compression;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck sweep`: one model per code size, the chapter's compression/quality table measured, and the elbow plot.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var sizes = new Option<string>("--bottleneck", "-k") { Description = "Code sizes to train, comma-separated", DefaultValueFactory = _ => "8,16,32,64,128,256" };
        var model = new Option<string>("--model", "-m") { Description = "Architecture whose bottleneck width is varied: a preset or a spec .json file", DefaultValueFactory = _ => "basic" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs per model (the chapter: 50)", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var lr = new Option<double>("--lr") { Description = "Learning rate (Adam)", DefaultValueFactory = _ => 1e-3 };
        var loss = new Option<string>("--loss") { Description = "Training loss: bce, mse, mae or huber", DefaultValueFactory = _ => "bce" };
        var patience = new Option<int>("--patience") { Description = "Early stopping patience in epochs", DefaultValueFactory = _ => 10 };
        var noEarlyStopping = new Option<bool>("--no-early-stopping") { Description = "Run every epoch" };
        var limit = SharedOptions.Limit("Train on the first N training samples only");
        var output = new Option<string>("--out", "-o") { Description = "Output folder: k8/, k16/, ... (one model each), sweep.csv, sweep.json, elbow.png", DefaultValueFactory = _ => Path.Combine("runs", "sweep") };
        var seed = SharedOptions.Seed();
        var threads = SharedOptions.TrainingThreads();
        var json = SharedOptions.Json();
        var reading = new DataOptionSet();
        var command = new Command("sweep", """
            The chapter's bottleneck sweep (§7.1, §8.5): train one model per code size k, alike in everything else, and
            measure each on the test set (BCE and MSE per pixel, PSNR) beside the exact compression ratio d/k; draw the
            loss against k and mark the elbow. Reproduces the trade-off tables of §7.1 and §8.5.

            Examples:
              bottleneck sweep --data mnist --bottleneck 8,16,32,64,128,256 --out runs/sweep
              bottleneck sweep --data mnist --epochs 5 --limit 20000     # a quick look
            """) { data, sizes, model, epochs, batchSize, lr, loss, patience, noEarlyStopping, limit, output, seed, json };
        reading.AddTo(command);
        CommandAction.Set(command, "sweep", parsed =>
        {
            var codeSizes = BottleneckSweep.ParseSizes(parsed.GetValue(sizes)!);
            var spec = ModelSource.Spec(parsed.GetValue(model)!);
            var outDirectory = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outDirectory);
            var training = new TrainingRecipe
            {
                Data = parsed.GetRequiredValue(data), Spec = spec, OutputDirectory = outDirectory,
                Epochs = parsed.GetValue(epochs), BatchSize = parsed.GetValue(batchSize), LearningRate = parsed.GetValue(lr), Loss = parsed.GetValue(loss)!,
                Seed = parsed.GetValue(seed), Patience = parsed.GetValue(noEarlyStopping) ? null : parsed.GetValue(patience), Limit = parsed.GetValue(limit),
                Workers = parsed.GetValue(threads),
            }.ToOptions();
            var request = new SweepRequest
            {
                Data = parsed.GetRequiredValue(data), DataOptions = reading.Read(parsed),
                Spec = spec, CodeSizes = codeSizes, Training = training, Limit = parsed.GetValue(limit), OutputDirectory = outDirectory,
            };
            // One stage per code size (its batches, over all its epochs); epoch and result lines are logged beside it.
            var rows = ConsoleProgress.Run(progress => Interruptible.Run(cancel => BottleneckSweep.Run(request,
                onRow: r => ConsoleProgress.Log($"k = {r.CodeSize}: test BCE {r.Bce.ToString("F5", CultureInfo.InvariantCulture)}, MSE {r.Mse.ToString("F5", CultureInfo.InvariantCulture)}, {r.EpochsRun} epochs, {r.TrainSeconds:F0} s"),
                observer: k => new EpochLog(k, $"training k = {k} (model {Array.IndexOf(codeSizes, k) + 1} of {codeSizes.Length}; batches)", progress),
                cancel: cancel)));
            long d = (long)Math.Round(rows[0].Ratio * rows[0].CodeSize);
            var report = SweepReport.Of(rows, parsed.GetRequiredValue(data), spec.Name, training);
            ElbowPlot.SavePng(Path.Combine(outDirectory, "elbow.png"), $"Test loss against code size ({d} inputs)", d,
                rows.Select(r => r.CodeSize).ToArray(), rows.Select(r => r.Bce).ToArray(), rows.Select(r => r.Mse).ToArray(),
                d == 784 ? BottleneckSweep.ChapterTypicalLoss : null, report.ElbowByBce);
            var reportPath = Path.Combine(outDirectory, "sweep.json");
            AtomicFile.WriteAllText(reportPath, FiniteJson.Serialize(report.ToJson(), reportPath, ResultJson.Indented));
            if (parsed.GetValue(json)) Console.WriteLine(FiniteJson.Serialize(report.ToJson(), "--json"));
            else Print(rows, report.ElbowByBce, report.ElbowByMse, d, outDirectory);
            return CommandRunner.Success;
        }, threads);
        return command;
    }

    static void Print(IReadOnlyList<SweepRow> rows, int? elbowBce, int? elbowMse, long d, string outDirectory)
    {
        string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("k").RightAligned());
        foreach (var c in new[] { "ratio d/k", "test BCE", "test MSE", "PSNR dB", "epochs", "chapter: loss", "chapter: quality" })
            table.AddColumn(new TableColumn(c).RightAligned());
        foreach (var r in rows)
            table.AddRow(r.CodeSize.ToString(CultureInfo.InvariantCulture), F(r.Ratio, "0.####"), F(r.Bce, "F4"), F(r.Mse, "F5"),
                F(r.Psnr, "F2"), r.EpochsRun.ToString(CultureInfo.InvariantCulture),
                BottleneckSweep.ChapterTypicalLoss.TryGetValue(r.CodeSize, out var c) && d == 784 ? "~" + F(c, "0.00") : "",
                BottleneckSweep.ChapterQuality.TryGetValue(r.CodeSize, out var q) && d == 784 ? q : "");
        AnsiConsole.Write(table);
        Console.WriteLine($"elbow (largest drop below the chord on log2 k): k = {elbowBce?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} by BCE, " +
                          $"k = {elbowMse?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} by MSE");
        Console.WriteLine($"wrote sweep.csv, sweep.json, elbow.png and one model folder per code size to {Path.GetFullPath(outDirectory)}");
    }

    /// <summary>
    /// One model's training as a progress stage counted in batches over all its epochs (a smooth bar and ETA), and one
    /// line per finished epoch, prefixed with the code size being trained.
    /// </summary>
    sealed class EpochLog(int codeSize, string stage, IProgress<StageProgress> progress) : ITrainingObserver
    {
        int epochs;

        public void EpochStarted(int epoch, int epochs, int batches)
        {
            this.epochs = epochs;
            StageProgress.Advance(progress, stage, (long)(epoch - 1) * batches, (long)epochs * batches);
        }

        public void BatchCompleted(int epoch, int batch, int batches, double? runningLoss) =>
            StageProgress.Advance(progress, stage, (long)(epoch - 1) * batches + batch, (long)epochs * batches);

        public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events) =>
            ConsoleProgress.Log($"k = {codeSize}: epoch {record.Epoch}/{epochs}  loss {record.Loss.ToString("F5", CultureInfo.InvariantCulture)}" +
                                (record.ValLoss is double v ? $"  val_loss {v.ToString("F5", CultureInfo.InvariantCulture)}" : ""));
    }
}
