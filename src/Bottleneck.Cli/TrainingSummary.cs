using System.Globalization;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli;

/// <summary>Prints what a training session produced: a table for people, or metrics.json's object with --json.</summary>
internal static class TrainingSummary
{
    /// <summary>The unit before the explanation: "nats per image" of "nats per image: BCE summed over pixels ...".</summary>
    static string ShortUnit(string unit) => unit.Split(':')[0];

    /// <summary>The line on stderr after a run that diverged: what happened, which weights were kept, what to try.</summary>
    static string DivergedAdvice(TrainingResult t)
    {
        var kept = t.BestEpoch > 0 ? $"the weights of epoch {t.BestEpoch}, the best before it" : "the starting weights (no epoch improved)";
        var lr = t.History.Epochs.LastOrDefault()?.LearningRate ?? 0;
        return $"training diverged in epoch {t.EpochsRun} (the loss became non-finite or over {Trainer.ExplosionFactor:G0}× its first value); " +
               $"the saved model holds {kept}. Try a lower --lr (this run used {lr.ToString("G3", CultureInfo.InvariantCulture)}), e.g. a tenth of it, or 'bottleneck lr-find'";
    }

    /// <summary>Prints <paramref name="result"/>, saved in <paramref name="outputDirectory"/>: its metrics as one JSON line with <paramref name="json"/>, else a table.</summary>
    public static void Print(SessionResult result, string outputDirectory, bool json)
    {
        var t = result.Training;
        var metrics = result.Metrics;
        if (json)
        {
            Console.WriteLine(metrics.Serialize("--json"));
            if (t.StopReason == StopReason.Diverged) Console.Error.WriteLine(DivergedAdvice(t));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("model", Markup.Escape(metrics.Model));
        table.AddRow("parameters", metrics.Params.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("epochs run", t.EpochsRun.ToString(CultureInfo.InvariantCulture));
        table.AddRow("best epoch", t.BestEpoch + (t.RestoredBestWeights ? " (weights restored)" : ""));
        table.AddRow("stopped", t.StopReason.ToString());
        table.AddRow("training time", $"{t.TrainSeconds:F1} s ({t.SamplesPerSecond:N0} samples/s)");
        if (metrics.Evaluation is { } m)
        {
            var on = metrics.EvaluatedOn;
            // BCE and PSNR are figures of data in [0, 1] only; metrics.json holds null for others.
            if (m.Bce is double bce) table.AddRow($"{on} BCE (mean per pixel)", bce.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow($"{on} MSE (mean per {(m.Bce is null ? "value" : "pixel")})", m.Mse.ToString("F5", CultureInfo.InvariantCulture));
            if (m.Psnr is double psnr) table.AddRow($"{on} PSNR", psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB");
        }
        // The family's own figures (a VAE's ELBO, a VQ-VAE's perplexity), each with its unit.
        foreach (var (name, unit) in metrics.Units.Figures)
            if (metrics.ModelFigures.TryGetValue(name, out var figure) && double.IsFinite(figure))
                table.AddRow(Markup.Escape($"{name} ({ShortUnit(unit)})"), Markup.Escape(figure.ToString("G6", CultureInfo.InvariantCulture)));
        if (metrics.Denoising is { } d)
        {
            table.AddRow("noise", Markup.Escape(d.Corruption) + (d.FixedNoise == true ? " (fixed copy)" : " (fresh each batch)"));
            table.AddRow("MSE noisy vs clean (per pixel)", FormattableString.Invariant($"{d.MseNoisy:F5} ({d.PsnrNoisy:F2} dB)"));
            table.AddRow("MSE denoised vs clean (per pixel)", FormattableString.Invariant($"{d.MseDenoised:F5} ({d.PsnrDenoised:F2} dB)"));
            table.AddRow("improvement", FormattableString.Invariant($"{d.ImprovementPercent:F1}%"));
        }
        table.AddRow("written to", Markup.Escape(Path.GetFullPath(outputDirectory)));
        AnsiConsole.Write(table);
        if (t.StopReason == StopReason.Interrupted)
            AnsiConsole.MarkupLine("[yellow]Interrupted: the model holds the weights trained so far; the best epoch's model is in checkpoint/.[/]");
        if (t.StopReason == StopReason.Diverged) Console.Error.WriteLine(DivergedAdvice(t));
    }
}
