using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Inspection;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck diagnose`: the chapter's checks for a model that learned to copy its input (§3.2, §7.4).</summary>
internal static class DiagnoseCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var data = SharedOptions.Data(description: "The dataset the model was trained on: its training part for the loss and the linear fit, its test part for the rest");
        var samples = new Option<int>("--samples") { Description = "Samples taken from the start of each part", DefaultValueFactory = _ => 10_000 };
        var noise = new Option<double>("--noise") { Description = "σ of the noisy-input test x + σ·N(0, 1) (the chapter's 0.3)", DefaultValueFactory = _ => 0.3 };
        var noClip = new Option<bool>("--no-clip") { Description = "Do not clip the noisy input to the data's range (the chapter's test code does not clip; a sigmoid output then cannot copy the negative noise)" };
        var seed = SharedOptions.Seed();
        var json = SharedOptions.Json();
        var reading = new DataOptionSet();
        var command = new Command("diagnose", """
            Check whether a trained model learned the trivial solution, copying its input instead of its structure (§3.2, §7.4):
              1. training loss near zero (MSE as a fraction of the pixel variance; BCE against the data's own entropy),
              2. codes that copy the input (R² of the best linear map from code back to input, on held-out data;
                 correlation of single code units with single pixels),
              3. the noisy-input test: feed x + 0.3·N(0, 1), clipped to the data's range; does the output follow the
                 noise (at least half of it passes through) or remove it? Its error against the noisy and the clean
                 input is shown too.
            The noisy-input test decides; the verdict is trivial, suspicious or not_trivial, with the numbers behind it.

            Examples:
              bottleneck train --data mnist --model overcomplete --epochs 20 --out runs/overcomplete
              bottleneck diagnose --model runs/overcomplete --data mnist
              bottleneck diagnose --model runs/basic --data mnist --json
            """) { model, data, samples, noise, noClip, seed, json };
        reading.AddTo(command);
        CommandAction.Set(command, "diagnose", parsed =>
        {
            var options = new TrivialSolutionOptions
            {
                Samples = parsed.GetValue(samples),
                NoiseSigma = parsed.GetValue(noise),
                Clip = !parsed.GetValue(noClip),
                Seed = parsed.GetValue(seed),
            };
            options.Validate();
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            using var loaded = DataSource.Load(parsed.GetRequiredValue(data), reading.Read(parsed));
            // Without a test part, the second half of the training data stands in for held-out samples.
            var (rawTrain, rawTest) = loaded.Test is { } t ? (loaded.Train, t) : loaded.Train.SplitLast(0.5);
            foreach (var part in new[] { rawTrain, rawTest })
                DataFit.CheckValues(part, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            // Diagnosed on the data as the model was trained on it: the folder's scaler, its training range.
            using var train = trained.Prepare(rawTrain);
            using var test = trained.Prepare(rawTest);
            var report = TrivialSolutionCheck.Run(m, train, test, options);
            if (loaded.Test is null) { rawTrain.Dispose(); rawTest.Dispose(); }

            if (parsed.GetValue(json)) Console.WriteLine(Json(report, m, loaded.Name).ToJsonString());
            else Print(report, m, loaded.Name);
            return CommandRunner.Success;
        });
        return command;
    }

    static JsonObject Json(TrivialSolutionReport r, Autoencoder m, string data) => new()
    {
        ["model"] = m.Spec.Name,
        ["family"] = m.Spec.Family,
        ["data"] = data,
        ["verdict"] = r.Verdict,
        ["explanation"] = r.Explanation,
        ["units"] = "bce and mse are means per element; r2 and fractions are in [0, 1]",
        ["training_loss"] = new JsonObject
        {
            ["samples"] = r.TrainingLoss.Samples,
            ["bce"] = r.TrainingLoss.Bce,
            ["bce_floor"] = r.TrainingLoss.BceFloor,
            ["mse"] = r.TrainingLoss.Mse,
            ["pixel_variance"] = r.TrainingLoss.PixelVariance,
            ["unexplained_fraction"] = r.TrainingLoss.UnexplainedFraction,
            ["near_zero"] = r.TrainingLoss.NearZero,
        },
        ["code_copy"] = new JsonObject
        {
            ["code_values"] = r.CodeCopy.CodeValues,
            ["input_values"] = r.CodeCopy.InputValues,
            ["fit_samples"] = r.CodeCopy.FitSamples,
            ["test_samples"] = r.CodeCopy.TestSamples,
            ["linear_r2"] = r.CodeCopy.LinearR2,
            ["reconstruction_r2"] = r.CodeCopy.ReconstructionR2,
            ["mean_unit_pixel_correlation"] = r.CodeCopy.MeanUnitPixelCorrelation,
            ["pixels_copied_by_one_unit"] = r.CodeCopy.PixelsCopiedByOneUnit,
            ["dead_units"] = r.CodeCopy.DeadUnits,
            ["fit_underdetermined"] = r.CodeCopy.Underdetermined,
            ["copies_input"] = r.CodeCopy.CopiesInput,
        },
        ["noisy_input"] = new JsonObject
        {
            ["sigma"] = r.NoisyInput.Sigma,
            ["clipped"] = r.NoisyInput.Clipped,
            ["clip_range"] = r.NoisyInput.Clipped ? new JsonArray(r.NoisyInput.ClipLow, r.NoisyInput.ClipHigh) : null,
            ["samples"] = r.NoisyInput.Samples,
            ["input_noise_mse"] = r.NoisyInput.InputNoiseMse,
            ["clean_reconstruction_mse"] = r.NoisyInput.CleanReconstructionMse,
            ["mse_against_noisy"] = r.NoisyInput.MseAgainstNoisy,
            ["mse_against_clean"] = r.NoisyInput.MseAgainstClean,
            ["noise_gain"] = r.NoisyInput.NoiseGain,
            ["closer_to_noisy"] = r.NoisyInput.CloserToNoisy,
            ["copies_noise"] = r.NoisyInput.CopiesNoise,
        },
    };

    static void Print(TrivialSolutionReport r, Autoencoder m, string data)
    {
        static string F(double? v, string format = "F5") => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        static string P(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
        var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(m.Spec.Name)} on {Markup.Escape(data)}")
            .AddColumn("check").AddColumn(new TableColumn("value").RightAligned()).AddColumn("meaning");
        void Row(string check, string value, string meaning) => table.AddRow(Markup.Escape(check), value, Markup.Escape(meaning));
        var l = r.TrainingLoss;
        Row("training MSE (mean per pixel)", F(l.Mse), $"{P(l.UnexplainedFraction)} of the pixel variance {F(l.PixelVariance)}");
        Row("training BCE (mean per pixel)", F(l.Bce), $"a perfect copy scores {F(l.BceFloor)} (the data's own entropy)");
        Row("  near zero?", l.NearZero ? "[red]yes[/]" : "no", $"{l.Samples:N0} training samples");
        var c = r.CodeCopy;
        Row("linear code → input R²", F(c.LinearR2, "F4"), $"{c.CodeValues:N0}-value code, {c.InputValues:N0} inputs; model's own R² {F(c.ReconstructionR2, "F4")}");
        Row("unit–pixel |correlation|", F(c.MeanUnitPixelCorrelation, "F3"), $"mean over live units of the best pixel; {c.DeadUnits} dead units");
        Row("pixels copied by one unit", P(c.PixelsCopiedByOneUnit), "|correlation| ≥ 0.9");
        Row("  code copies input?", c.CopiesInput ? "[red]yes[/]" : "no", $"R² ≥ 0.98; fit on {c.FitSamples:N0} training, scored on {c.TestSamples:N0} test samples" +
            (c.Underdetermined ? $" (underdetermined: use --samples above {c.CodeValues:N0})" : ""));
        var n = r.NoisyInput;
        var clip = n.Clipped ? $"clipped to [{n.ClipLow:G3}, {n.ClipHigh:G3}]" : "not clipped";
        Row($"input noise MSE (σ={n.Sigma:G3})", F(n.InputNoiseMse), clip);
        Row("output vs noisy input (MSE)", F(n.MseAgainstNoisy), "small when the output copies the noise");
        Row("output vs clean input (MSE)", F(n.MseAgainstClean), $"small when it removes it; clean input gives {F(n.CleanReconstructionMse)}");
        Row("noise passed through", P(n.NoiseGain), "Σ(x̂(x̃₁) − x̂(x̃₂))·(x̃₁ − x̃₂) / Σ(x̃₁ − x̃₂)² over two noise draws: 100% for a copy");
        Row("  copies noise?", n.CopiesNoise ? "[red]yes[/]" : "no", $"at least 50% passes through; {n.Samples:N0} test samples");
        AnsiConsole.Write(table);
        var colour = r.Verdict switch { "trivial" => "red", "suspicious" => "yellow", _ => "green" };
        AnsiConsole.MarkupLine($"[bold {colour}]{r.Verdict}[/]: {Markup.Escape(r.Explanation)}");
    }
}
