using System.CommandLine;
using Bottleneck.Applications.Compression;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck decompress`: data decoded from a code file, optionally with a picture and the PSNR against the original.</summary>
internal static class DecompressCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("The trained model folder that wrote the codes");
        var codes = new Option<string>("--codes", "-c") { Description = "A code file written by 'bottleneck compress'", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the restored data: .npy or .csv", Required = true };
        var png = new Option<string?>("--png") { Description = "Also draw the first --count restored images into this PNG" };
        var count = new Option<int>("--count") { Description = "How many images --png draws", DefaultValueFactory = _ => 20 };
        var selection = new DataSelection(required: false, description: "The original data, to measure the PSNR of the restored data (same --split and --limit as compress)");
        var json = SharedOptions.Json();
        var command = new Command("decompress", """
            Restore data from a code file: x̂ = g(h) for every stored code (§8.5, "reconstruct when needed"). Reports the
            bytes and ratios; with --data (the original), also the MSE and PSNR of the restored data.

            Example:
              bottleneck decompress --model runs/basic --codes codes.bnc --out decoded.npy --png grid.png --data mnist
            """) { model, codes, output, png, count, json };
        selection.AddTo(command);
        CommandAction.Set(command, "decompress", parsed =>
        {
            var codesPath = parsed.GetRequiredValue(codes);
            var outPath = parsed.GetRequiredValue(output);
            var pictures = parsed.GetValue(count);
            if (pictures < 1) throw new BadInputException($"--count: expected at least 1, got {pictures}");
            ArrayFiles.CheckOutput(outPath);
            if (parsed.GetValue(png) is { } pngPath) OutputPath.CheckFile(pngPath, "png");
            var modelDirectory = parsed.GetRequiredValue(model);
            var file = CodeFile.Read(codesPath);
            using var trained = ModelSource.TrainedWithInput(modelDirectory);
            var m = trained.Model;
            if (parsed.GetValue(png) is not null && ImageShape.Of(m.InputShape) is null)
                throw new BadInputException($"--png: the model's samples ({m.InputShape.Aggregate(1L, (a, b) => a * b)} values) are not images");
            LoadedData? loaded = null;
            Dataset? prepared = null;
            try
            {
                Dataset? original = null;
                if (selection.Argument(parsed) is not null) original = selection.Load(parsed, out loaded);
                // Measured against the original as the model sees it (the folder's scaler), as compress measured it.
                if (original is not null) original = prepared = trained.Prepare(original);
                var (decoded, report) = CodeCompression.Decompress(m, ModelFolder.RecordedWeightsSha256(modelDirectory), file, codesPath, original);
                // Written in the data's own units: a folder's scaler is undone, as decode does.
                ArrayFiles.Write(outPath, trained.Unscale(decoded));
                if (parsed.GetValue(png) is { } picture)
                {
                    var shape = ImageShape.Of(m.InputShape)!.Value;   // checked above, before anything was written
                    var images = decoded.ToRows(FigureCount.Capped("decompress", pictures, decoded.Count));
                    var title = $"Restored from {Path.GetFileName(codesPath)} ({file.Precision.Name()} codes, {file.CodeSize} values each)";
                    if (original is not null)
                    {
                        var originals = images.Select((_, i) => original.Batch(i, 1).contiguous().data<float>().ToArray()).ToArray();
                        ImageGrid.SaveWrappedPng(picture, title, [[new GridRow("Original", originals), new GridRow("Restored", images)]], shape);
                    }
                    else ImageGrid.SaveWrappedPng(picture, title, [[new GridRow("Restored", images)]], shape);
                }
                bool images8 = original?.IsBytes ?? ImageShape.Of(m.InputShape) is not null;
                if (parsed.GetValue(json)) Console.WriteLine(CompressionTable.Json(report, images8).ToJsonString());
                else
                {
                    CompressionTable.Print(report, images8, Path.GetFileName(codesPath));
                    Console.WriteLine($"wrote {decoded.Count:N0} restored samples to {outPath}" + (original is null ? " (give --data with the original to measure PSNR)" : ""));
                }
            }
            finally
            {
                prepared?.Dispose();
                loaded?.Dispose();
            }
            return CommandRunner.Success;
        });
        return command;
    }
}
