using System.CommandLine;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Export.Onnx;
using Bottleneck.Persistence;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck export`: a trained model as an ONNX file, for ONNX Runtime and anything else that runs ONNX.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var output = new Option<string>("--out", "-o") { Description = "Where to write the ONNX file (model.onnx)", Required = true };
        var graph = new Option<string>("--graph")
        {
            Description = $"Which function the file computes: {string.Join(", ", OnnxGraphKinds.Names)} " +
                          "(encode: the code, a VAE's mu and log_var, a VQ-VAE's indices; score: each sample's mean squared reconstruction error; " +
                          "default: score for a folder written by anomaly fit, reconstruct otherwise)",
        };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset to write, {OnnxExport.MinimumOpset} to {OnnxExport.MaximumOpset}",
            DefaultValueFactory = _ => OnnxExport.DefaultOpset,
        };
        var command = new Command("export", $"""
            Export a trained model to ONNX, to run it without .NET or libtorch (ONNX Runtime in Python, C++, a browser,
            a phone). The file holds one graph with a dynamic batch dimension; its input is shaped as the model takes
            samples (the metadata's input_shape) and scaled as in training (the metadata's scaling, e.g. x / 255).
            Metadata also holds the family, the spec and the library version. A layer with no ONNX form is named
            and nothing is written. A folder written by anomaly fit exports the detector: its score graph takes raw
            rows, applies the saved scaler and outputs each row's score and its flag (anomaly = score > threshold);
            the threshold, percentile, scaler and feature names are in the metadata.

            Example:
              bottleneck export --model runs/basic --out basic.onnx
              bottleneck export --model runs/vae --graph encode --out vae-encoder.onnx --opset {OnnxExport.DefaultOpset}
              bottleneck export --model runs/sensors --out sensors-score.onnx
            """) { model, output, graph, opset };
        command.SetAction(CommandRunner.Guard("export", parsed =>
        {
            var path = parsed.GetRequiredValue(output);
            if (Directory.Exists(path)) throw new BadInputException($"--out: {path} is a folder (expected a file name such as model.onnx)");
            var argument = parsed.GetRequiredValue(model);
            using var m = ModelSource.Trained(argument);
            var manifest = ModelFolder.ReadManifest(argument);
            var detector = manifest[AnomalySettings.Field] is null ? null
                : AnomalySettings.FromManifest(manifest, Path.Combine(argument, ModelFolder.ModelFile));
            var kind = parsed.GetValue(graph) is { } name ? OnnxGraphKinds.Parse(name, "graph")
                : detector is null ? OnnxGraphKind.Reconstruct : OnnxGraphKind.Score;
            var scaling = (string?)manifest["data"]?["scaling"];
            OnnxExport.Save(m, path, kind, parsed.GetValue(opset), scaling, detector);
            Console.WriteLine($"wrote the {kind.Name()} graph of {(detector is null ? "" : "the anomaly detector ")}{m.Spec.Name} ({m.Spec.Family}, opset {parsed.GetValue(opset)}, " +
                              $"{new FileInfo(path).Length:N0} bytes) to {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
