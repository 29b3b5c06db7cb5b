using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Bottleneck.Applications.Restoration;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Evaluation;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// `bottleneck denoise`: restores degraded images — a dataset, optionally corrupted first, or image files — with a
/// trained model, and measures MSE, PSNR and SSIM before and after (§8.3).
/// </summary>
internal static class DenoiseCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder (any family)");
        var selection = new DataSelection(required: false);
        var images = new Option<string[]?>("--images")
        {
            Description = "Image files or folders to restore instead of a dataset (PNG, JPEG, BMP, GIF, WebP; converted to the model's grey or colour)",
            AllowMultipleArgumentsPerToken = true,
        };
        var noise = new Option<string?>("--noise")
        {
            Description = "Corrupt the clean data or images first (gaussian:σ, mask:q, salt-pepper:p, jpeg:quality) and measure against them; " +
                          "without it the input is taken as already degraded, and there is no clean reference",
        };
        var seed = SharedOptions.Seed();
        seed.Description = "Seed of the corruption: a training run's seed gives the very noisy test images it was scored on";
        var output = new Option<string>("--out", "-o") { Description = "Output folder", DefaultValueFactory = _ => "restored" };
        var count = new Option<int>("--count", "-n") { Description = "Images shown in restoration.png", DefaultValueFactory = _ => 10 };
        var threads = SharedOptions.Threads();
        var json = SharedOptions.Json();
        var command = new Command("denoise", $"""
            Restore degraded images with a trained model (§8.3): denoising, JPEG artefact removal. The input is a dataset
            (--data), corrupted first with --noise, or image files (--images). Reports MSE (per pixel), PSNR (dB) and SSIM
            (Wang et al. 2004) of the corrupted input and of the restored images against the clean ones, and the gain.
            Writes OUT/{RestorationFolder.MetricsFile}, OUT/{RestorationFolder.GridFile} (clean / corrupted / restored) and the restored images: OUT/{RestorationFolder.RestoredArray}
            for a dataset, OUT/<name>.png for each image file (and OUT/<name>.corrupted.png with --noise).
            Image files without --noise have no clean reference: only the change the model made is measured.

            Examples:
              bottleneck train --data mnist --model conv-denoise --noise jpeg:10 --out runs/jpeg
              bottleneck denoise --model runs/jpeg --data mnist --noise jpeg:10 --out restored-jpeg
              bottleneck denoise --model runs/jpeg --images scans/ --out scans-restored
            """) { model, images, noise, seed, output, count, threads, json };
        selection.AddTo(command);
        command.SetAction(CommandRunner.Guard("denoise", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            int shown = parsed.GetValue(count);
            if (shown < 1) throw new BadInputException($"--count: expected at least 1, got {shown}");
            var corruption = parsed.GetValue(noise) is { } text ? Corruption.Parse(text, "noise") : null;
            var dataArgument = selection.Argument(parsed);
            var imageArguments = parsed.GetValue(images) is { Length: > 0 } given ? given : null;
            if ((dataArgument is null) == (imageArguments is null))
                throw new BadInputException("give either --data (a dataset) or --images (image files or folders), not " + (dataArgument is null ? "neither" : "both"));
            var outFolder = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outFolder);
            var modelArgument = parsed.GetRequiredValue(model);
            using var m = ModelSource.Trained(modelArgument);
            var layout = RestorationImages.LayoutOf(m);

            LoadedData? loaded = null;
            Dataset? read = null;
            try
            {
                var files = imageArguments is null ? null : ImageFile.Expand(imageArguments);
                // With --noise the source is the clean reference and the model sees its corrupted copy.
                var source = files is null ? selection.Load(parsed, out loaded) : read = RestorationImages.Read(files, layout, m.Spec.Name);
                var folder = RestorationFolder.Plan(outFolder, files, corruption is not null);
                folder.RefuseOverwritingInputs(files, dataArgument, modelArgument);
                RestorationRun.Check(m, source);
                using var held = folder.Hold();   // another run writing the same folder is refused before any work
                using var result = ConsoleProgress.Run(progress =>
                    RestorationRun.Run(m, source, layout, corruption, NoisyPairs.TestSeed(parsed.GetValue(seed)), progress));
                var where = files is null ? source.Name : files.Count == 1 ? Path.GetFileName(files[0]) : $"{files.Count} image files";
                var metrics = new RestorationMetrics(m.Spec.Name, modelArgument, where, corruption?.Name,
                    corruption is { IsRandom: true } ? parsed.GetValue(seed) : null, result.Report, files);
                folder.Write(result, metrics, layout, FigureCount.Capped("denoise", shown, source.Count));

                if (parsed.GetValue(json))
                    Console.WriteLine(FiniteJson.Serialize(metrics.ToJson(), "--json", new JsonSerializerOptions { Encoder = RestorationFolder.Encoder }));
                else Print(result.Report, files is null ? $"{where}: {source.Count:N0} images" : where, corruption, outFolder, folder.All.Count);
                return CommandRunner.Success;
            }
            finally
            {
                read?.Dispose();
                loaded?.Dispose();
            }
        }));
        return command;
    }

    static void Print(RestorationReport report, string what, Corruption? corruption, string outFolder, int written)
    {
        string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "∞";
        if (report.HasCleanReference)
        {
            var (before, after) = (report.Before!, report.After!);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("against the clean images")
                .AddColumn(new TableColumn("corrupted").RightAligned())
                .AddColumn(new TableColumn("restored").RightAligned())
                .AddColumn(new TableColumn("gain").RightAligned());
            table.AddRow("MSE (mean per pixel)", F(before.Mse, "F5"), F(after.Mse, "F5"), report.ImprovementPercent >= 0
                ? F(report.ImprovementPercent!.Value, "F1") + "% lower" : F(-report.ImprovementPercent!.Value, "F1") + "% higher");
            table.AddRow("PSNR (dB)", F(before.Psnr, "F2"), F(after.Psnr, "F2"), (report.GainDb >= 0 ? "+" : "") + F(report.GainDb!.Value, "F2") + " dB");
            table.AddRow("SSIM (mean)", F(before.Ssim, "F4"), F(after.Ssim, "F4"), (report.SsimGain >= 0 ? "+" : "") + F(report.SsimGain!.Value, "F4"));
            Console.WriteLine($"{what}, corrupted with {corruption!.Name} and restored");
            AnsiConsole.Write(table);
            if (report.GainDb < 0)
                Console.WriteLine("The restored images are further from the clean ones than the corrupted input was: the model's own reconstruction error exceeds the corruption.");
        }
        else
        {
            Console.WriteLine($"{what} restored. There is no clean reference, so PSNR and SSIM against clean images");
            Console.WriteLine("cannot be measured (give clean data or images with --noise to measure before and after).");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"How far the model moved its input (restored vs input): MSE {report.Change.Mse:F5}, PSNR {F(report.Change.Psnr, "F2")} dB, SSIM {report.Change.Ssim:F4}."));
        }
        Console.WriteLine($"wrote {written} files to {outFolder}");
    }
}
