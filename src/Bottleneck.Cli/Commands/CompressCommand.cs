using System.CommandLine;
using Bottleneck.Applications.Compression;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck compress`: a dataset's codes in a small file, with sizes, ratios and the PSNR of what they restore.</summary>
internal static class CompressCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var output = new Option<string>("--out", "-o") { Description = "The code file to write (.bnc)", Required = true };
        var precision = new Option<string>("--precision") { Description = "float32 (exact), float16, or uint8 (8-bit, quantised per code dimension)", DefaultValueFactory = _ => "float32" };
        var json = SharedOptions.Json();
        var command = new Command("compress", """
            Store a dataset as its bottleneck codes (§8.5): each sample's code h = f(x) in a code file whose header says
            the precision, the code shape, the count and (uint8) each dimension's min and scale. Reports the bytes, the
            ratio against the data as float32 and as 8-bit images, and the PSNR of the data decoded from the stored codes.

            Examples:
              bottleneck compress --model runs/basic --data mnist --out codes.bnc
              bottleneck compress --model runs/basic --data mnist --precision uint8 --out codes-8bit.bnc
            """) { model, output, precision, json };
        selection.AddTo(command);
        CommandAction.Set(command, "compress", parsed =>
        {
            var chosen = CodePrecisions.Parse(parsed.GetValue(precision)!);
            var path = parsed.GetRequiredValue(output);
            OutputPath.CheckFile(path);
            var modelDirectory = parsed.GetRequiredValue(model);
            using var trained = ModelSource.TrainedWithInput(modelDirectory);
            var m = trained.Model;
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.CheckValues(raw, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            using var data = trained.Prepare(raw);   // as the model was trained: the folder's scaler, its training range
            var report = CodeCompression.Compress(m, ModelFolder.RecordedWeightsSha256(modelDirectory), data, chosen, path);
            if (parsed.GetValue(json)) Console.WriteLine(CompressionTable.Json(report, data.IsBytes).ToJsonString());
            else CompressionTable.Print(report, data.IsBytes, Path.GetFileName(path));
            return CommandRunner.Success;
        });
        return command;
    }
}
