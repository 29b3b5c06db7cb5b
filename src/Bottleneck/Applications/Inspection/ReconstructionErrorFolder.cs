using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// The folder `bottleneck errors` writes, and the only place that knows its file names and keys: errors.png (the
/// histogram with mean, median and 95th percentile marked), errors-by-class.png and classes.csv (with labels),
/// errors.csv (one row per sample) and errors.json (the summaries).
/// </summary>
internal static class ReconstructionErrorFolder
{
    /// <summary>
    /// Writes <paramref name="report"/> into <paramref name="directory"/> with a histogram of <paramref name="bins"/>
    /// bins, and returns the names of the files written, in the order written.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, ReconstructionErrorReport report, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        var (summary, name) = (report.All, report.ErrorName);
        HistogramPlot.SavePng(Path.Combine(directory, "errors.png"), $"{report.Model} on {report.Data}: reconstruction error of {summary.Count:N0} samples",
            $"Reconstruction error: {name} per pixel, mean over each sample's {report.SampleSize:N0} values",
            [($"{summary.Count:N0} samples ({bins} bins)", report.Errors)], bins,
            markers: [($"Mean = {F(summary.Mean)}", summary.Mean), ($"Median = {F(summary.Median)}", summary.Median), ($"95th percentile = {F(summary.P95)}", summary.P95)]);
        var written = new List<string> { "errors.png" };
        if (report.Classes is { } classes)
        {
            ClassErrorPlot.SavePng(Path.Combine(directory, "errors-by-class.png"), $"{report.Model} on {report.Data}: mean reconstruction error by class",
                $"Mean {name} per pixel", classes, summary.Mean);
            written.Add("errors-by-class.png");
            WriteClasses(Path.Combine(directory, "classes.csv"), classes, name.ToLowerInvariant());
            written.Add("classes.csv");
        }
        WriteSamples(Path.Combine(directory, "errors.csv"), report, name.ToLowerInvariant());
        written.Add("errors.csv");
        AtomicFile.WriteAllText(Path.Combine(directory, "errors.json"), Json(report).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        written.Add("errors.json");
        return written;
    }

    /// <summary>errors.json's content: the error's kind and unit, the summary over all samples, and one per class.</summary>
    public static JsonObject Json(ReconstructionErrorReport report) => new()
    {
        ["model"] = report.Model,
        ["data"] = report.Data,
        ["error"] = report.Kind.ToString().ToLowerInvariant(),
        ["unit"] = SampleErrors.Unit(report.Kind) + "; std with ddof = 0; percentiles interpolated linearly as numpy's",
        ["all"] = Summary(report.All),
        ["classes"] = report.Classes is null ? null : new JsonArray(report.Classes.Select(c =>
        {
            var row = Summary(c.Summary);
            row["label"] = c.Label;
            row["class"] = c.Name;
            return (JsonNode)row;
        }).ToArray()),
    };

    static JsonObject Summary(ErrorSummary s) => new()
    {
        ["count"] = s.Count, ["mean"] = s.Mean, ["std"] = s.Std, ["median"] = s.Median, ["p95"] = s.P95, ["min"] = s.Min, ["max"] = s.Max,
    };

    // errors.csv: index,label,class,<error> — label and class empty for unlabelled data; errors as round-trip text.
    static void WriteSamples(string path, ReconstructionErrorReport report, string error)
    {
        var (errors, labels) = (report.Errors, report.Labels);
        var text = new StringBuilder($"index,label,class,{error}\n");
        for (int i = 0; i < errors.Length; i++)
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(labels?[i].ToString(CultureInfo.InvariantCulture) ?? "").Append(',')
                .Append(labels is null ? "" : CsvField.Quote(ClassBreakdown.ClassName(labels[i], report.ClassNames))).Append(',')
                .Append(errors[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    // classes.csv: label,class,count,mean_<error>,std,median,p95,max — one row per class.
    static void WriteClasses(string path, IReadOnlyList<ClassErrors> classes, string error)
    {
        var text = new StringBuilder($"label,class,count,mean_{error},std,median,p95,max\n");
        foreach (var c in classes)
        {
            var s = c.Summary;
            text.Append(c.Label.ToString(CultureInfo.InvariantCulture)).Append(',').Append(CsvField.Quote(c.Name)).Append(',')
                .Append(string.Join(',', new[] { s.Mean, s.Std, s.Median, s.P95, s.Max }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))
                    .Prepend(s.Count.ToString(CultureInfo.InvariantCulture)))).Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
