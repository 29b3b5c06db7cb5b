using System.CommandLine;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Reporting;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck decode`: reconstructions from codes, to .npy or .csv, and optionally a picture.</summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var codes = new Option<string>("--codes", "-c") { Description = "Codes to decode: a .npy or .csv file with one code a row (as 'encode' writes)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the reconstructions: a .npy or .csv file", Required = true };
        var png = new Option<string?>("--png") { Description = "Also draw the first --count reconstructions into this PNG" };
        var count = new Option<int>("--count") { Description = "How many images --png draws", DefaultValueFactory = _ => 10 };
        var command = new Command("decode", """
            Decode codes back into samples: x̂ = g(h). A .csv from 'encode' may carry its label column; the output .csv
            keeps it. A model trained on scaled data (a CSV's per-column scaler) gives its samples back in the data's units.

            Example:
              bottleneck decode --model runs/basic --codes codes.npy --out decoded.npy --png decoded.png
            """) { model, codes, output, png, count };
        CommandAction.Set(command, "decode", parsed =>
        {
            var codesPath = parsed.GetRequiredValue(codes);
            var path = parsed.GetRequiredValue(output);
            ArrayFiles.CheckOutput(path);
            var n = parsed.GetValue(count);
            if (n < 1) throw new BadInputException($"--count: expected at least 1, got {n}");
            var picture = parsed.GetValue(png);
            if (picture is not null) OutputPath.CheckFile(picture, "png");
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            ImageShape? shape = picture is null ? null : ImageShape.Of(m.InputShape)
                ?? throw new BadInputException($"--png: the model's samples ({m.InputShape.Length}-D, {m.InputShape.Aggregate(1L, (a, b) => a * b)} values) are not images");
            // Written in the units of the data that was encoded: a folder's scaler is undone, as encode applied it.
            // A CSV from encode carries a label column: read it as labels, not as a value of the codes, and pass it on.
            var (codeValues, labels) = ArrayFiles.ReadLabelled(codesPath);
            var decoded = trained.Unscale(Codes.Decode(m, codeValues, codesPath));
            ArrayFiles.Write(path, decoded, labels);
            Console.WriteLine($"wrote {decoded.Count:N0} reconstructions of {decoded.SampleLength} values to {path}");
            if (picture is not null && shape is { } image)
            {
                var images = decoded.ToRows(FigureCount.Capped("decode", n, decoded.Count));
                ImageGrid.SaveWrappedPng(picture, $"Decoded from {Path.GetFileName(codesPath)}", [[new GridRow("Decoded", images)]], image);
                Console.WriteLine($"drew {images.Length} images into {picture}");
            }
            return CommandRunner.Success;
        });
        return command;
    }
}
