using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.Applications.Restoration;
using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>The restoration folder: its file names, the clashes it refuses before writing, and metrics.json as earlier versions wrote it.</summary>
public class RestorationFolderTests
{
    static string Full(string folder, string name) => Path.GetFullPath(Path.Combine(folder, name));

    [Fact]
    public void A_dataset_writes_restored_npy_and_image_files_one_png_each()
    {
        var data = RestorationFolder.Plan("out", null, corrupted: true);
        Assert.Equal([Full("out", "restored.npy"), Full("out", "restoration.png"), Full("out", "metrics.json")], data.All);
        var images = RestorationFolder.Plan("out", ["scans/a.png", "b.jpg"], corrupted: true);
        Assert.Equal([Full("out", "a.png"), Full("out", "b.png"), Full("out", "a.corrupted.png"), Full("out", "b.corrupted.png"),
            Full("out", "restoration.png"), Full("out", "metrics.json")], images.All);
        Assert.Empty(RestorationFolder.Plan("out", ["a.png"], corrupted: false).Corrupted);
    }

    [Fact]
    public void Two_images_of_one_name_or_an_image_named_like_an_output_are_refused()
    {
        var twice = Assert.Throws<OptionException>(() => RestorationFolder.Plan("out", ["x/scan.png", "y/scan.jpg"], false));
        Assert.Equal("images: x/scan.png and y/scan.jpg would both be restored to scan.png (give images with different names)", twice.Message);
        var metrics = Assert.Throws<OptionException>(() => RestorationFolder.Plan("out", ["metrics.png"], false));
        Assert.Equal("images: an image named 'metrics' would clash with the output metrics.json (rename it)", metrics.Message);
        var grid = Assert.Throws<OptionException>(() => RestorationFolder.Plan("out", ["restoration.jpg"], false));
        Assert.Contains("clash with the output restoration.png", grid.Message);
    }

    [Fact]
    public void Writing_over_an_input_image_the_data_file_or_the_model_folder_is_refused()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder["scans"]);
        Directory.CreateDirectory(folder["model"]);
        folder.Write("scans/digit0.png", [1]);
        folder.Write("model/metrics.json", "{}");
        folder.Write("rows.npy", [1]);
        var own = RestorationFolder.Plan(folder["scans"], [folder["scans/digit0.png"]], false);
        var error = Assert.Throws<OptionException>(() => own.RefuseOverwritingInputs([folder["scans/digit0.png"]], null, folder["model"]));
        Assert.Equal($"output: writing {Full(folder["scans"], "digit0.png")} would overwrite an input file; choose another `output` folder", error.Message);
        Assert.Throws<OptionException>(() => RestorationFolder.Plan(folder["model"], null, false).RefuseOverwritingInputs(null, "mnist", folder["model"]));
        var beside = RestorationFolder.Plan(folder.Path, null, false);
        beside.RefuseOverwritingInputs(null, folder["rows.npy"], folder["model"]);   // restored.npy is not rows.npy
    }

    static ImageQuality Quality(double mse, double ssim, float[] perImageMse, float[] perImageSsim) =>
        new(mse, ReconstructionMetrics.PsnrFromMse(mse), ssim, perImageMse, perImageSsim);

    [Fact]
    public void Metrics_json_has_the_keys_of_earlier_versions_in_their_order()
    {
        // Keys and layout as `bottleneck denoise` wrote them before the command was thinned (captured from its output).
        var report = new RestorationReport(Quality(0.1, 0.4, [0.1f, 0.1f], [0.4f, 0.4f]), Quality(0.01, 0.8, [0.02f, 0f], [0.7f, 0.9f]),
            Quality(0.09, 0.3, [0.08f, 0.1f], [0.3f, 0.3f]));
        var data = new RestorationMetrics("basic", "dae", "mnist/test", "gaussian:0.5", 11, report, null).ToJson();
        Assert.Equal(["model", "model_folder", "input", "samples", "corruption", "seed", "clean_reference", "before", "after", "gain_db",
            "ssim_gain", "improvement_percent", "change", "units"], data.Select(p => p.Key));
        Assert.Equal(2, (int)data["samples"]!);
        Assert.Equal(10.0, (double)data["gain_db"]!, 12);                   // 10·log10(0.1/0.01)
        Assert.Equal(90.0, (double)data["improvement_percent"]!, 12);       // 100·(0.1 − 0.01)/0.1
        Assert.Equal(0.4, (double)data["ssim_gain"]!, 12);
        Assert.Equal(["mse", "psnr_db", "ssim"], data["before"]!.AsObject().Select(p => p.Key));

        var files = new RestorationMetrics("basic", "dae", "2 image files", "gaussian:0.3", 4, report, ["a.png", "b.png"]).ToJson();
        var perImage = files["per_image"]!.AsArray();
        Assert.Equal(["file", "before", "after", "change"], perImage[0]!.AsObject().Select(p => p.Key));
        // An exact image has no finite PSNR: null, as JSON has no infinity.
        Assert.Null(perImage[1]!["after"]!["psnr_db"]);
        Assert.Equal("0.02", perImage[0]!["after"]!["mse"]!.ToJsonString());   // float32, as measured

        var plain = new RestorationMetrics("basic", "dae", "a.png", null, null, new RestorationReport(null, null, report.Change), ["a.png", "b.png"]).ToJson();
        Assert.Equal(["model", "model_folder", "input", "samples", "corruption", "seed", "clean_reference", "change", "units", "per_image"], plain.Select(p => p.Key));
        Assert.Equal(["file", "change"], plain["per_image"]![0]!.AsObject().Select(p => p.Key));
        Assert.Null(plain["seed"]);
    }

    [Fact]
    public void Write_puts_every_planned_file_in_the_folder_and_metrics_json_holds_the_metrics()
    {
        using var folder = new TempFolder();
        using var generator = new Generator(4);
        using var clean = new Dataset("tiles", rand([3, 12, 12], generator: generator).DetachFromDisposeScope());
        using var model = ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = [144], Encoder = [], Bottleneck = 3 });
        var layout = RestorationImages.LayoutOf(model);
        using var result = RestorationRun.Run(model, clean, layout, new MaskingCorruption(0.2), 1);
        var metrics = new RestorationMetrics("tiny", "model", "tiles", "mask:0.2", 1, result.Report, null);
        var planned = RestorationFolder.Plan(folder["out"], null, corrupted: true);
        planned.Write(result, metrics, layout, shown: 2);

        Assert.All(planned.All, f => Assert.True(File.Exists(f), f));
        // Nothing else but the lock file that keeps two runs from writing one folder at once.
        Assert.Equal(planned.All.Select(Path.GetFileName).Order(),
            Directory.GetFiles(folder["out"]).Select(Path.GetFileName).Where(f => f != ".bottleneck.lock").Order());
        var restored = NpyFile.Read(planned.Restored[0]);
        Assert.Equal([3, 12, 12], restored.Shape);
        Assert.Equal(result.Restored.Batch(0, 3).data<float>().ToArray(), restored.Floats!);
        Assert.Equal(metrics.ToJson().ToJsonString(), JsonNode.Parse(File.ReadAllText(planned.Metrics))!.ToJsonString());
    }
}
