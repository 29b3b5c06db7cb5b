using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Bottleneck.Reporting;

/// <summary>
/// A short Markdown report of a training run: what was trained, the measured figures with their units, the figures'
/// files, and how the numbers compare with what the chapter claims for the same model.
/// </summary>
public static class RunReport
{
    /// <summary>The report for <paramref name="metrics"/> (a metrics.json object); <paramref name="figures"/> maps file names to captions.</summary>
    public static string Markdown(string title, JsonObject metrics, IReadOnlyList<(string File, string Caption)> figures, IReadOnlyList<string> chapterNotes)
    {
        string F(JsonNode? n, string format) => n is null ? "n/a" : ((double)n).ToString(format, CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append("# ").Append(title).Append("\n\n");
        text.Append($"Model `{metrics["model"]}` on `{metrics["data"]}`, loss `{metrics["loss"]}`, seed {metrics["seed"]}: ")
            .Append($"{(long)metrics["params"]!:N0} parameters ({(long)metrics["trainable_params"]!:N0} trainable).\n\n");
        text.Append("| figure | value |\n|---|---|\n");
        text.Append($"| epochs run | {metrics["epochs_run"]} (best {metrics["best_epoch"]}, stopped: {metrics["stop_reason"]}) |\n");
        text.Append($"| final training loss | {F(metrics["final_loss"], "F5")} |\n");
        text.Append($"| final validation loss | {F(metrics["final_val_loss"], "F5")} |\n");
        var on = (string?)metrics["evaluated_on"];
        if (on is not null && metrics[on] is JsonObject m)
        {
            text.Append($"| {on} BCE, mean per pixel (nats) | {F(m["bce"], "F5")} |\n");
            text.Append($"| {on} MSE, mean per pixel | {F(m["mse"], "F5")} |\n");
            text.Append($"| {on} MAE, mean per pixel | {F(m["mae"], "F5")} |\n");
            text.Append($"| {on} PSNR | {F(m["psnr"], "F2")} dB |\n");
            text.Append($"| {on} samples | {m["samples"]} |\n");
        }
        text.Append($"| mean code activation | {F(metrics["mean_activation"], "F4")} |\n");
        text.Append($"| training time | {F(metrics["train_seconds"], "F1")} s ({F(metrics["samples_per_second"], "N0")} samples/s) |\n\n");
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
