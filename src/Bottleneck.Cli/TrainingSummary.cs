using Bottleneck.IO;
using Bottleneck.Reporting;
using Bottleneck.Training;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Bottleneck.Cli;

/// <summary>Prints what a training job produced: a table for people, or metrics.json's object with --json.</summary>
public static class TrainingSummary
{
    /// <summary>The unit before the explanation: "nats per image" of "nats per image: BCE summed over pixels ...".</summary>
    static string ShortUnit(JsonNode? unit) => ((string?)unit ?? "").Split(':')[0];

    /// <summary>The line on stderr after a run that diverged: what happened, which weights were kept, what to try.</summary>
    static string DivergedAdvice(TrainingJobResult result)
    {
        var t = result.Training;
        var kept = t.BestEpoch > 0 ? $"the weights of epoch {t.BestEpoch}, the best before it" : "the starting weights (no epoch improved)";
        var lr = t.History.Epochs.LastOrDefault()?.LearningRate ?? 0;
        return $"training diverged in epoch {t.EpochsRun} (the loss became non-finite or over {Trainer.ExplosionFactor:G0}× its first value); " +
               $"the saved model holds {kept}. Try a lower --lr (this run used {lr.ToString("G3", CultureInfo.InvariantCulture)}), e.g. a tenth of it, or 'bottleneck lr-find'";
    }

    public static void Print(TrainingJobResult result, string outputDirectory, bool json)
    {
        if (json)
        {
            Console.WriteLine(FiniteJson.Serialize(result.Metrics, "--json"));
            if (result.Training.StopReason == StopReason.Diverged) Console.Error.WriteLine(DivergedAdvice(result));
            return;
        }
        var t = result.Training;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("model", Markup.Escape(result.Model.Spec.Name));
        table.AddRow("parameters", (result.Model.TrainableParameterCount + result.Model.NonTrainableParameterCount).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("epochs run", t.EpochsRun.ToString(CultureInfo.InvariantCulture));
        table.AddRow("best epoch", t.BestEpoch + (t.RestoredBestWeights ? " (weights restored)" : ""));
        table.AddRow("stopped", t.StopReason.ToString());
        table.AddRow("training time", $"{t.TrainSeconds:F1} s ({t.SamplesPerSecond:N0} samples/s)");
        if (result.Test is { } m)
        {
            var on = (string?)result.Metrics["evaluated_on"] ?? "test";
            if (m.InUnitRange) table.AddRow($"{on} BCE (mean per pixel)", m.Bce.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow($"{on} MSE (mean per {(m.InUnitRange ? "pixel" : "value")})", m.Mse.ToString("F5", CultureInfo.InvariantCulture));
            if (m.InUnitRange) table.AddRow($"{on} PSNR", m.Psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB");
        }
        // The family's own figures (a VAE's ELBO, a VQ-VAE's perplexity): every top-level number metrics.json gives a unit for.
        if (result.Metrics["units"] is JsonObject units)
            foreach (var (name, unit) in units)
                if (result.Metrics[name] is JsonValue value && value.TryGetValue<double>(out var figure))
                    table.AddRow(Markup.Escape($"{name} ({ShortUnit(unit)})"), Markup.Escape(figure.ToString("G6", CultureInfo.InvariantCulture)));
        if (result.Metrics["denoising"] is System.Text.Json.Nodes.JsonObject d)
        {
            table.AddRow("noise", Markup.Escape((string?)d["corruption"] ?? "") + ((bool?)d["fixed_noise"] == true ? " (fixed copy)" : " (fresh each batch)"));
            table.AddRow("MSE noisy vs clean (per pixel)", FormattableString.Invariant($"{(double)d["mse_noisy"]!:F5} ({(double)d["psnr_noisy"]!:F2} dB)"));
            table.AddRow("MSE denoised vs clean (per pixel)", FormattableString.Invariant($"{(double)d["mse_denoised"]!:F5} ({(double)d["psnr_denoised"]!:F2} dB)"));
            table.AddRow("improvement", FormattableString.Invariant($"{(double)d["improvement_percent"]!:F1}%"));
        }
        table.AddRow("written to", Markup.Escape(Path.GetFullPath(outputDirectory)));
        AnsiConsole.Write(table);
        if (t.StopReason == StopReason.Interrupted)
            AnsiConsole.MarkupLine("[yellow]Interrupted: the model holds the weights trained so far; the best epoch's model is in checkpoint/.[/]");
        if (t.StopReason == StopReason.Diverged) Console.Error.WriteLine(DivergedAdvice(result));
    }
}
