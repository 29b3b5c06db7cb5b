using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck evaluate`: a trained model's reconstruction BCE, MSE, MAE and PSNR on a dataset.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var json = SharedOptions.Json();
        var noise = new Option<string?>("--noise")
        {
            Description = "Score denoising: feed a corrupted copy (gaussian:σ, mask:q, salt-pepper:p, jpeg:quality), compare with the clean data, " +
                          "and report MSE noisy/denoised, improvement and PSNR",
        };
        var seed = SharedOptions.Seed();
        seed.Description = "Seed of the corrupted copy; a training run's seed gives the very noisy test images it was scored on";
        var command = new Command("evaluate", """
            Measure how well a trained model reconstructs a dataset: BCE, MSE and MAE as means per pixel, and PSNR in dB,
            plus the model family's own figures (a VAE's ELBO and importance-weighted NLL in nats per image, ...).
            With --noise the model sees a corrupted copy and is scored against the clean data (§10.4's denoising figures).

            Examples:
              bottleneck evaluate --model runs/basic --data mnist --json
              bottleneck evaluate --model runs/deep-bn --data mnist --noise gaussian:0.5     # a plain model on noisy input
            """) { model, json, noise, seed };
        selection.AddTo(command);
        CommandAction.Set(command, "evaluate", parsed =>
        {
            var corruption = parsed.GetValue(noise) is { } n ? Corruption.Parse(n, "noise") : null;
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.CheckValues(raw, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            // Scored as the model sees data: through the folder's scaler, so the figures are in the units it was trained in.
            using var data = trained.Prepare(raw);
            if (corruption is not null && data.Range() is var (min, max) && (min < 0 || max > 1))
                throw new BadInputException($"--noise {corruption.Name}: {data.Name} spans [{min:G4}, {max:G4}], but corruptions work on data scaled to [0, 1] (images)");
            // The same generator seed as a training run's noisy test copy, so both score the very same noisy images.
            using var paired = corruption is null ? null : data.WithInputs(corruption.CorruptedCopy(data, NoisyPairs.TestSeed(parsed.GetValue(seed))));
            var scored = paired ?? data;
            var r = ReconstructionMetrics.Evaluate(m, scored);
            var denoising = corruption is null ? null : DenoisingMetrics.Measure(m, scored);
            // The family's own figures (a VAE's ELBO and IW-NLL, a VQ-VAE's perplexity), as training reports them.
            var figures = m.EvaluationFigures(scored);
            if (parsed.GetValue(json))
            {
                var result = ModelEvaluation.Of(r, data.Name, m.Spec.Name, figures, m.FigureUnits, denoising?.Summary(corruption!.Name)).ToJson();
                Console.WriteLine(FiniteJson.Serialize(result, "--json"));
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("data", Markup.Escape(data.Name));
            table.AddRow("samples", r.Samples.ToString("N0", CultureInfo.InvariantCulture));
            const string outside = "n/a (data outside [0, 1])";
            table.AddRow("BCE (mean per pixel)", r.InUnitRange ? r.Bce.ToString("F5", CultureInfo.InvariantCulture) : outside);
            table.AddRow("MSE (mean per pixel)", r.Mse.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("MAE (mean per pixel)", r.Mae.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("PSNR", r.InUnitRange ? r.Psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB" : outside);
            foreach (var (name, value) in figures)
            {
                var unit = m.FigureUnits.TryGetValue(name, out var u) ? $" ({u.Split(':')[0]})" : "";
                table.AddRow(Markup.Escape(name + unit), value.ToString("G6", CultureInfo.InvariantCulture));
            }
            if (denoising is not null)
            {
                table.AddRow("input", Markup.Escape($"noisy ({corruption!.Name}); figures above are against the clean data"));
                table.AddRow("MSE noisy vs clean", FormattableString.Invariant($"{denoising.MseNoisy:F5} ({denoising.PsnrNoisy:F2} dB)"));
                table.AddRow("MSE denoised vs clean", FormattableString.Invariant($"{denoising.MseDenoised:F5} ({denoising.PsnrDenoised:F2} dB)"));
                table.AddRow("improvement", FormattableString.Invariant($"{denoising.ImprovementPercent:F1}%"));
            }
            AnsiConsole.Write(table);
            return CommandRunner.Success;
        });
        return command;
    }
}
