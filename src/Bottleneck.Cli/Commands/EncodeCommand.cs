using System.CommandLine;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Persistence;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck encode`: the bottleneck codes of a dataset, to .npy or .csv.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the codes: a .npy (float32) or .csv file", Required = true };
        var command = new Command("encode", """
            Encode a dataset: write each sample's code h = f(x), the bottleneck's output, one row a sample.
            A .csv gets columns h0, h1, ... and, when the data has labels, a label column.

            Example (§5.1: 10,000 test digits to 32 numbers each):
              bottleneck encode --model runs/basic --data mnist --out codes.npy
            """) { model, output };
        selection.AddTo(command);
        CommandAction.Set(command, "encode", parsed =>
        {
            var path = parsed.GetRequiredValue(output);
            ArrayFiles.CheckOutput(path);
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var data = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            using var prepared = trained.Prepare(data);
            var codes = Codes.Encode(trained.Model, prepared);
            ArrayFiles.Write(path, codes, data.Labels, "h");
            Console.WriteLine($"wrote {codes.Count:N0} codes of {codes.SampleLength} values to {path} " +
                              $"({data.SampleSize} → {codes.SampleLength}: compression {(double)data.SampleSize / codes.SampleLength:0.##}×)");
            return CommandRunner.Success;
        });
        return command;
    }
}
