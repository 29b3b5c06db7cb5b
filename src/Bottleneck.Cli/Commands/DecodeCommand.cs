using System.CommandLine;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Render;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck decode`: reconstructions from codes, to .npy or .csv, and optionally a picture.</summary>
public static class DecodeCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var codes = new Option<string>("--codes", "-c") { Description = "Codes to decode: a .npy or .csv file with one code a row (as 'encode' writes)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the reconstructions: a .npy or .csv file", Required = true };
        var png = new Option<string?>("--png") { Description = "Also draw the first --count reconstructions into this PNG" };
        var count = new Option<int>("--count") { Description = "How many images --png draws", DefaultValueFactory = _ => 10 };
        var threads = SharedOptions.Threads();
        var command = new Command("decode", """
            Decode codes back into samples: x̂ = g(h).

            Example:
              bottleneck decode --model runs/basic --codes codes.npy --out decoded.npy --png decoded.png
            """) { model, codes, output, png, count, threads };
        command.SetAction(CommandRunner.Guard("decode", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            var codesPath = parsed.GetRequiredValue(codes);
            var path = parsed.GetRequiredValue(output);
            ArrayFiles.CheckOutput(path);
            var n = parsed.GetValue(count);
            if (n < 1) throw new BadInputException($"--count: expected at least 1, got {n}");
            var picture = parsed.GetValue(png);
            if (picture is not null) OutputPath.CheckFile(picture, "--png");
            using var m = ModelSource.Trained(parsed.GetRequiredValue(model));
            ImageShape? shape = picture is null ? null : ImageShape.Of(m.InputShape)
                ?? throw new BadInputException($"--png: the model's samples ({m.InputShape.Length}-D, {m.InputShape.Aggregate(1L, (a, b) => a * b)} values) are not images");
            var decoded = Codes.Decode(m, ArrayFiles.Read(codesPath), codesPath);
            ArrayFiles.Write(path, decoded);
            Console.WriteLine($"wrote {decoded.Count:N0} reconstructions of {decoded.SampleLength} values to {path}");
            if (picture is not null && shape is { } image)
            {
                var values = decoded.ToFloats();
                var images = Enumerable.Range(0, FigureCount.Capped("decode", n, decoded.Count))
                    .Select(i => values.AsSpan(i * decoded.SampleLength, decoded.SampleLength).ToArray()).ToArray();
                ImageGrid.SaveWrappedPng(picture, $"Decoded from {Path.GetFileName(codesPath)}", [[new GridRow("Decoded", images)]], image.Width, image.Height, image.Channels);
                Console.WriteLine($"drew {images.Length} images into {picture}");
            }
            return CommandRunner.Success;
        }));
        return command;
    }
}
