using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Report;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// `bottleneck demo`: the chapter's complete MNIST example (§10.5) — the deep 784-128-64-32-64-128-784 autoencoder,
/// Adam 1e-3, BCE, batch 256, up to 50 epochs with early stopping (patience 10, best weights restored) and a best-only
/// checkpoint — on the MNIST shipped with the toolkit, writing everything to outputs/.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Maximum number of epochs (the chapter: 50)", DefaultValueFactory = _ => 50 };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder", DefaultValueFactory = _ => "outputs" };
        var seed = SharedOptions.Seed();
        var threads = SharedOptions.TrainingThreads();
        var json = SharedOptions.Json();
        var command = new Command("demo", """
            The main job: the chapter's complete MNIST example (§10.5), end to end, on the MNIST shipped with Bottleneck.
            Trains the deep autoencoder 784-128-64-32-64-128-784 (Adam 1e-3, BCE, batch 256, early stopping with the best
            weights restored), evaluates it on the 10,000 test digits, and writes to OUT: the model (model.json,
            weights.safetensors, checkpoint/), test-codes.npy (the encoder's 32 numbers for each test digit),
            reconstructions.png, training-history.png, error-histogram.png, history.csv, metrics.json, and report.html (the chapter's claim on
            the deep autoencoder's loss, judged as bottleneck report judges it) with report.json.

            Example:
              bottleneck demo                 # about two minutes on two cores
              bottleneck demo --epochs 5      # a quick look
            """) { epochs, outDir, seed, json };
        CommandAction.Set(command, "demo", parsed =>
        {
            var output = parsed.GetValue(outDir)!;
            OutputPath.CheckFolder(output);
            // Validation is the last 10% of the training set (the chapter's template, §7.3), not the test set
            // that §10.5 validates on: early stopping on test data would leak it into model selection.
            var recipe = new TrainingRecipe
            {
                Data = "mnist",
                Spec = Presets.Get("deep"),
                ValSplit = ValidationChoice.DefaultSplit,
                Epochs = parsed.GetValue(epochs),
                BatchSize = 256,
                LearningRate = 1e-3,
                Loss = "bce",
                Seed = parsed.GetValue(seed),
                Patience = 10,
                RestoreBestWeights = true,
                OutputDirectory = output,
                GridImages = 20,
                Workers = parsed.GetValue(threads),
            };
            recipe.ToOptions();
            LoadedData? mnist = null;
            var result = Interruptible.Run(cancel => ConsoleTrainingObserver.Run(observer =>
                TrainingRun.Execute(recipe, resume: false, observer, cancel, out mnist)));
            using var data = mnist!;

            var codes = Codes.Encode(result.Model, data.Test!);
            NpyFile.Write(Path.Combine(output, "test-codes.npy"), codes);
            var errors = result.Evaluation!.PerSampleMse.Select(e => (double)e).ToArray();
            HistogramPlot.SavePng(Path.Combine(output, "error-histogram.png"), "Per-image reconstruction error, MNIST test set",
                "MSE per image (mean over 784 pixels)", [("test images", errors)]);
            var page = ChapterReport.DemoPage(result.Training, result.Evaluation!, parsed.GetValue(seed), parsed.GetValue(epochs), "reconstructions.png");
            ChapterReport.Write(page, output, output);
            TrainingSummary.Print(result, output, parsed.GetValue(json));
            if (!parsed.GetValue(json))
                AnsiConsole.MarkupLine($"Codes for the 10,000 test digits: [bold]{Markup.Escape(Path.Combine(output, "test-codes.npy"))}[/] ({codes.Count} × {codes.SampleLength}); report: [bold]{Markup.Escape(Path.Combine(output, ChapterReport.HtmlFile))}[/]");
            return CommandRunner.Success;
        }, threads);
        return command;
    }
}
