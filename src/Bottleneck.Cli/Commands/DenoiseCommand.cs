using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Restoration;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// `bottleneck denoise`: restores degraded images — a dataset, optionally corrupted first, or image files — with a
/// trained model, and measures MSE, PSNR and SSIM before and after (§8.3).
/// </summary>
public static class DenoiseCommand
{
    const string RestoredArray = "restored.npy", GridFile = "restoration.png", MetricsFile = "metrics.json";

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
            Writes OUT/{MetricsFile}, OUT/{GridFile} (clean / corrupted / restored) and the restored images: OUT/{RestoredArray}
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
            var corruption = parsed.GetValue(noise) is { } text ? Corruption.Parse(text, "--noise") : null;
            var dataArgument = selection.Argument(parsed);
            var imageArguments = parsed.GetValue(images) is { Length: > 0 } given ? given : null;
            if ((dataArgument is null) == (imageArguments is null))
                throw new BadInputException("give either --data (a dataset) or --images (image files or folders), not " + (dataArgument is null ? "neither" : "both"));
            var outFolder = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outFolder);
            var modelArgument = parsed.GetRequiredValue(model);
            using var m = ModelSource.Trained(modelArgument);
            var layout = ImagesOf(m);
            long noiseSeed = NoisyPairs.TestSeed(parsed.GetValue(seed));

            LoadedData? loaded = null;
            var owned = new List<Dataset>();
            try
            {
                Dataset source;
                IReadOnlyList<string>? files = null;
                if (imageArguments is not null)
                {
                    files = ImageFile.Expand(imageArguments);
                    source = ReadImages(files, layout, m.Spec.Name);
                    owned.Add(source);
                }
                else
                {
                    source = selection.Load(parsed, out loaded);
                    DataFit.Check(m, source);
                    if (source.Range() is var (min, max) && (min < 0 || max > 1))
                        throw new BadInputException($"{source.Name} spans [{min:G4}, {max:G4}], but restoration measures images scaled to [0, 1]");
                }
                var outputs = Outputs(outFolder, files, corruption is not null);
                RefuseOverwritingInputs(outputs.All, files, dataArgument, modelArgument);

                // With --noise the source is the clean reference and the model sees its corrupted copy.
                var clean = corruption is null ? null : source;
                var input = source;
                if (corruption is not null)
                {
                    input = corruption.CorruptedCopy(source, noiseSeed);
                    owned.Add(input);
                }
                var restored = Restoration.Restore(m, input);
                owned.Add(restored);
                var report = RestorationReport.Measure(clean, input, restored, layout);

                var where = files is null ? source.Name : files.Count == 1 ? Path.GetFileName(files[0]) : $"{files.Count} image files";
                var metrics = Metrics(report, m, modelArgument, where, corruption, parsed.GetValue(seed), files);
                Directory.CreateDirectory(outFolder);
                using var held = OutputLock.Acquire(outFolder);   // another run writing the same folder is refused, not interleaved
                if (files is null)
                {
                    var values = restored.Batch(0, restored.Count).contiguous().data<float>().ToArray();
                    NpyFile.Write(outputs.Restored[0], NumericArray.FromFloats([restored.Count, .. restored.SampleShape.Select(d => (int)d)], values));
                }
                else
                {
                    var restoredImages = Restoration.ToImages(restored, layout);
                    for (int i = 0; i < files.Count; i++) ImageFile.WritePng(outputs.Restored[i], restoredImages[i]);
                    if (corruption is not null)
                    {
                        var corruptedImages = Restoration.ToImages(input, layout);
                        for (int i = 0; i < files.Count; i++) ImageFile.WritePng(outputs.Corrupted[i], corruptedImages[i]);
                    }
                }
                DenoisingGrid.Save(outputs.Grid, Title(report, m.Spec.Name, where, corruption), clean, input, restored, layout,
                    FigureCount.Capped("denoise", shown, input.Count),
                    corruption?.Name ?? "Input", files?.Select(f => Path.GetFileName(f)).ToArray());
                // Readable units (σ, ×, ·) rather than \u escapes, as train's metrics.json.
                var encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
                AtomicFile.WriteAllText(outputs.Metrics, FiniteJson.Serialize(metrics, outputs.Metrics, new JsonSerializerOptions { WriteIndented = true, Encoder = encoder }) + "\n");

                if (parsed.GetValue(json)) Console.WriteLine(FiniteJson.Serialize(metrics, "--json", new JsonSerializerOptions { Encoder = encoder }));
                else Print(report, files is null ? $"{where}: {restored.Count:N0} images" : where, corruption, outFolder, outputs.All.Count);
                return CommandRunner.Success;
            }
            finally
            {
                foreach (var d in owned) d.Dispose();
                loaded?.Dispose();
            }
        }));
        return command;
    }

    /// <summary>The files a run writes: the restored samples (one .npy, or one PNG per image), corrupted images, the picture, metrics.json.</summary>
    sealed record OutputFiles(IReadOnlyList<string> Restored, IReadOnlyList<string> Corrupted, string Grid, string Metrics)
    {
        public IReadOnlyList<string> All => [.. Restored, .. Corrupted, Grid, Metrics];
    }

    static OutputFiles Outputs(string folder, IReadOnlyList<string>? files, bool corrupted)
    {
        string In(string name) => Path.GetFullPath(Path.Combine(folder, name));
        if (files is null) return new OutputFiles([In(RestoredArray)], [], In(GridFile), In(MetricsFile));
        var stems = files.Select(Path.GetFileNameWithoutExtension).ToList();
        var twice = stems.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            var clash = files.Where(f => Path.GetFileNameWithoutExtension(f) == twice.Key).Take(2).ToList();
            throw new BadInputException($"--images: {clash[0]} and {clash[1]} would both be restored to {twice.Key}.png (give images with different names)");
        }
        var reserved = new[] { Path.GetFileNameWithoutExtension(GridFile), Path.GetFileNameWithoutExtension(MetricsFile) };
        if (stems.FirstOrDefault(s => reserved.Contains(s, StringComparer.Ordinal)) is { } taken)
            throw new BadInputException($"--images: an image named '{taken}' would clash with the output {taken}{(taken == "metrics" ? ".json" : ".png")} (rename it)");
        return new OutputFiles(stems.Select(s => In(s + ".png")).ToList(),
            corrupted ? stems.Select(s => In(s + ".corrupted.png")).ToList() : [], In(GridFile), In(MetricsFile));
    }

    /// <summary>Refuses, before anything is written, to replace a file the user gave as input: an image, the data file, or a file of the model folder.</summary>
    static void RefuseOverwritingInputs(IReadOnlyList<string> outputs, IReadOnlyList<string>? files, string? dataArgument, string modelFolder)
    {
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files ?? []) inputs.Add(Path.GetFullPath(f));
        if (dataArgument is not null && File.Exists(dataArgument)) inputs.Add(Path.GetFullPath(dataArgument));
        if (Directory.Exists(modelFolder))
            foreach (var f in Directory.EnumerateFiles(modelFolder)) inputs.Add(Path.GetFullPath(f));
        if (outputs.FirstOrDefault(inputs.Contains) is { } clash)
            throw new BadInputException($"--out: writing {clash} would overwrite an input file; choose another --out folder");
    }

    /// <summary>The picture shape of the model's samples; a model of non-image data (a CSV's rows) cannot restore images.</summary>
    static ImageLayout ImagesOf(Autoencoder model)
    {
        var shape = model.InputShape;
        bool image = shape.Length switch
        {
            1 => Math.Round(Math.Sqrt(shape[0])) is var side && side * side == shape[0] && side > 1,
            2 => true,
            3 => shape[2] is 1 or 3 || shape[0] is 1 or 3,
            _ => false,
        };
        if (!image)
            throw new BadInputException($"--model: '{model.Spec.Name}' takes samples of shape [{string.Join(", ", shape)}], which are not grey or colour images");
        return new ImageLayout(shape.Select(d => (int)d).ToArray(), $"model '{model.Spec.Name}' input_shape");
    }

    /// <summary>Reads the image files as the model's samples; a file of another size is one clear line naming both sizes.</summary>
    static Dataset ReadImages(IReadOnlyList<string> files, ImageLayout layout, string modelName)
    {
        var colours = layout.Channels == 1 ? "grey" : "colour";
        foreach (var file in files)
        {
            var (width, height) = ImageFile.Size(file);
            if (width != layout.Width || height != layout.Height)
                throw new BadInputException($"{file}: the image is {width}×{height} pixels, but the model '{modelName}' takes {layout.Width}×{layout.Height} {colours} images");
        }
        return Restoration.FromImages("images", files.Select(f => ImageFile.Read(f, layout.Channels)).ToList(), layout);
    }

    static JsonObject Metrics(RestorationReport report, Autoencoder model, string modelFolder, string where, Corruption? corruption, long seed, IReadOnlyList<string>? files)
    {
        var json = new JsonObject
        {
            ["model"] = model.Spec.Name,
            ["model_folder"] = modelFolder,
            ["input"] = where,
            ["samples"] = report.Change.Images,
            ["corruption"] = corruption?.Name,
            ["seed"] = corruption is { IsRandom: true } ? seed : null,
        };
        foreach (var (key, value) in report.ToJson()) json[key] = value?.DeepClone();
        if (files is not null)
        {
            var perImage = new JsonArray();
            for (int i = 0; i < files.Count; i++)
            {
                var entry = new JsonObject { ["file"] = files[i] };
                if (report.HasCleanReference)
                {
                    entry["before"] = One(report.Before!, i);
                    entry["after"] = One(report.After!, i);
                }
                entry["change"] = One(report.Change, i);
                perImage.Add(entry);
            }
            json["per_image"] = perImage;
        }
        return json;
    }

    static JsonObject One(ImageQuality quality, int i)
    {
        double psnr = ReconstructionMetrics.PsnrFromMse(quality.PerImageMse[i]);
        return new JsonObject { ["mse"] = quality.PerImageMse[i], ["psnr_db"] = double.IsFinite(psnr) ? psnr : null, ["ssim"] = quality.PerImageSsim[i] };
    }

    static string Title(RestorationReport report, string model, string where, Corruption? corruption) => report.HasCleanReference
        ? string.Create(CultureInfo.InvariantCulture,
            $"{model} on {where}, {corruption!.Name}: PSNR {report.Before!.Psnr:F2} → {report.After!.Psnr:F2} dB, SSIM {report.Before.Ssim:F3} → {report.After.Ssim:F3}")
        : $"{model} on {where}: input and restored (no clean reference)";

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
