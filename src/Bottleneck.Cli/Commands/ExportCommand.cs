using System.CommandLine;
using Bottleneck.Export;
using Bottleneck.Export.Onnx;
using Bottleneck.Models;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck export`: a trained model as an ONNX file, for ONNX Runtime and anything else that runs ONNX.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var output = new Option<string>("--out", "-o") { Description = "Where to write the ONNX file (model.onnx)", Required = true };
        var graph = new Option<string>("--graph")
        {
            Description = $"Which function the file computes: {string.Join(", ", OnnxGraphKinds.Names)} " +
                          "(encode: the code, a VAE's mu and log_var, a VQ-VAE's indices; score: each sample's mean squared reconstruction error)",
            DefaultValueFactory = _ => OnnxGraphKind.Reconstruct.Name(),
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
            and nothing is written.

            Example:
              bottleneck export --model runs/basic --out basic.onnx
              bottleneck export --model runs/vae --graph encode --out vae-encoder.onnx --opset {OnnxExport.DefaultOpset}
            """) { model, output, graph, opset };
        command.SetAction(CommandRunner.Guard("export", parsed =>
        {
            var kind = OnnxGraphKinds.Parse(parsed.GetRequiredValue(graph), "--graph");
            var path = parsed.GetRequiredValue(output);
            if (Directory.Exists(path)) throw new BadInputException($"--out: {path} is a folder (expected a file name such as model.onnx)");
            var argument = parsed.GetRequiredValue(model);
            using var m = ModelSource.Trained(argument);
            var scaling = (string?)ModelFolder.ReadManifest(argument)["data"]?["scaling"];
            OnnxExport.Save(m, path, kind, parsed.GetValue(opset), scaling);
            Console.WriteLine($"wrote the {kind.Name()} graph of {m.Spec.Name} ({m.Spec.Family}, opset {parsed.GetValue(opset)}, " +
                              $"{new FileInfo(path).Length:N0} bytes) to {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
