using System.CommandLine;
using Bottleneck.Persistence;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck import`: weights trained in PyTorch (a state_dict saved as safetensors) as a model folder.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights", "-w") { Description = "A PyTorch state_dict saved with safetensors.torch.save_file (pickled .pt/.pth files are refused)", Required = true };
        var model = SharedOptions.Model("The architecture the weights belong to: a preset or a spec .json file");
        var output = new Option<string>("--out", "-o") { Description = "Model folder to write (model.json and weights.safetensors)", Required = true };
        var inputSize = new Option<int?>("--input-size") { Description = "Input size for a preset or spec without an input_shape (default 784, MNIST)" };
        var command = new Command("import", """
            Import weights trained in PyTorch: a state_dict saved as safetensors, its tensors named as the module the
            README documents for the family (tools/pytorch/bottleneck_torch.py builds it). Every name, dtype and shape
            is checked against the model the spec builds before anything is written; the folder then works with every
            command (encode, decode, evaluate, export). Pickled checkpoints (.pt, .pth) are refused: loading a
            pickle runs code from it.

            Example:
              bottleneck import --weights deep.safetensors --model deep --out runs/deep-from-pytorch
              bottleneck import --weights conv.safetensors --model my-conv.json --out runs/conv-from-pytorch
            """) { weights, model, output, inputSize };
        command.SetAction(CommandRunner.Guard("import", parsed =>
        {
            var argument = parsed.GetRequiredValue(model);
            if (ModelFolder.IsModelFolder(argument))
                throw new BadInputException($"--model: {argument} is a model folder, which has weights already (expected a preset or a spec .json file)");
            var size = parsed.GetValue(inputSize) ?? 784;
            if (size < 1) throw new BadInputException($"--input-size: expected a positive size, got {size}");
            var path = parsed.GetRequiredValue(output);
            using var m = PyTorchImport.Import(parsed.GetRequiredValue(weights), ModelSource.Spec(argument).WithInputShape([size]), path);
            Console.WriteLine($"imported {m.state_dict().Count} tensors ({m.TrainableParameterCount + m.NonTrainableParameterCount:N0} parameters) " +
                              $"of {m.Spec.Name} ({m.Spec.Family}, input [{string.Join(", ", m.InputShape)}]) into {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
