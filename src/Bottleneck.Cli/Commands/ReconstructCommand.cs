using System.CommandLine;
using System.Globalization;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Reporting;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck reconstruct`: the chapter's originals-above-reconstructions figure for a trained model.</summary>
internal static class ReconstructCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var output = new Option<string>("--out", "-o") { Description = "PNG file to write", DefaultValueFactory = _ => "reconstructions.png" };
        var count = new Option<int>("--count", "-n") { Description = "Number of images", DefaultValueFactory = _ => 10 };
        var command = new Command("reconstruct", """
            Draw the first N samples above their reconstructions, with labels and each image's MSE (chapter §10.5's figure).

            Example:
              bottleneck reconstruct --model runs/basic --data mnist --count 20 --out basic.png
            """) { model, output, count };
        selection.AddTo(command);
        CommandAction.Set(command, "reconstruct", parsed =>
        {
            var n = parsed.GetValue(count);
            if (n < 1) throw new BadInputException($"--count: expected at least 1, got {n}");
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            if (trained.Scaler is not null)
                throw new BadInputException($"--model: {trained.Directory} was trained on tabular data scaled per column ({trained.Scaling}); its samples are not images (use 'bottleneck errors' or 'evaluate')");
            using var data = trained.Prepare(raw);
            var shape = ImageShape.Of(raw.SampleShape) ?? throw new BadInputException($"{data.Name}: samples of shape [{string.Join(", ", data.SampleShape)}] are not images");
            var path = parsed.GetValue(output)!;
            OutputPath.CheckFile(path);
            var drawn = FigureCount.Capped("reconstruct", n, data.Count);
            ReconstructionGrid.Save(path, m, data, shape, drawn, $"{m.Spec.Name} on {data.Name}: originals and reconstructions");
            Console.WriteLine($"wrote {drawn} originals and reconstructions to {path}");
            return CommandRunner.Success;
        });
        return command;
    }
}
