using System.Globalization;
using System.Text;
using System.Text.Json;
using Bottleneck.Training;

namespace Bottleneck.Reporting;

/// <summary>
/// A short Markdown report of a training run: what was trained, the measured figures with their units, the figures'
/// files, and how the numbers compare with what the chapter claims for the same model.
/// </summary>
public static class RunReport
{
    /// <summary>The report for <paramref name="metrics"/> (a run's metrics.json); <paramref name="figures"/> maps file names to captions.</summary>
    public static string Markdown(string title, RunMetrics metrics, IReadOnlyList<(string File, string Caption)> figures, IReadOnlyList<string> chapterNotes)
    {
        string F(double? v, string format) => v is double x ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        var text = new StringBuilder();
        text.Append("# ").Append(title).Append("\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Model `{metrics.Model}` on `{metrics.Data}`, loss `{metrics.Loss}`, seed {metrics.Seed}: ")
            .Append(CultureInfo.InvariantCulture, $"{metrics.Params:N0} parameters ({metrics.TrainableParams:N0} trainable).\n\n");
        text.Append("| figure | value |\n|---|---|\n");
        var stopped = JsonNamingPolicy.SnakeCaseLower.ConvertName(metrics.StopReason.ToString());
        text.Append(CultureInfo.InvariantCulture, $"| epochs run | {metrics.EpochsRun} (best {metrics.BestEpoch}, stopped: {stopped}) |\n");
        text.Append($"| final training loss | {F(metrics.FinalLoss, "F5")} |\n");
        text.Append($"| final validation loss | {F(metrics.FinalValLoss, "F5")} |\n");
        if (metrics.EvaluatedOn is { } on && metrics.Evaluation is { } m)
        {
            text.Append($"| {on} BCE, mean per pixel (nats) | {F(m.Bce, "F5")} |\n");
            text.Append($"| {on} MSE, mean per pixel | {F(m.Mse, "F5")} |\n");
            text.Append($"| {on} MAE, mean per pixel | {F(m.Mae, "F5")} |\n");
            text.Append($"| {on} PSNR | {F(m.Psnr, "F2")} dB |\n");
            text.Append(CultureInfo.InvariantCulture, $"| {on} samples | {m.Samples} |\n");
        }
        text.Append($"| mean code activation | {F(metrics.MeanActivation, "F4")} |\n");
        text.Append($"| training time | {F(metrics.TrainSeconds, "F1")} s ({F(metrics.SamplesPerSecond, "N0")} samples/s) |\n\n");
        if (chapterNotes.Count > 0)
        {
            text.Append("## Against the chapter\n\n");
            foreach (var note in chapterNotes) text.Append("- ").Append(note).Append('\n');
            text.Append('\n');
        }
        if (figures.Count > 0)
        {
            text.Append("## Figures\n\n");
            foreach (var (file, caption) in figures) text.Append($"![{caption}]({file})\n\n{caption}\n\n");
        }
        return text.ToString();
    }
}
