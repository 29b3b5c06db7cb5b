using System.Globalization;
using System.Runtime.InteropServices;
using Bottleneck.Applications.Report.Claims;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Applications.Report;

/// <summary>
/// The whole job of <c>bottleneck report</c>: holds the output folder's lock, measures the claims through the cache,
/// and writes report.html (one self-contained page) and report.json (every figure) beside the cache.
/// </summary>
internal static class ChapterReport
{
    /// <summary>The page's file name.</summary>
    public const string HtmlFile = "report.html";

    /// <summary>The figures' file name.</summary>
    public const string JsonFile = "report.json";

    /// <summary>Measures <paramref name="claims"/> at <paramref name="budget"/> and writes the report into <paramref name="outputFolder"/>.</summary>
    /// <param name="finished">Called after each claim (to print it as it finishes).</param>
    public static (ReportDocument Document, IReadOnlyList<RunClaim> Runs) Run(IReadOnlyList<ReportClaim> claims, ReportBudget budget,
        string outputFolder, IProgress<StageProgress>? progress = null, CancellationToken cancel = default, Action<RunClaim>? finished = null)
    {
        OutputPath.CheckFolder(outputFolder);
        Directory.CreateDirectory(outputFolder);
        using var held = OutputLock.Acquire(outputFolder);
        AtomicFile.RemoveLeftovers(outputFolder);
        var machine = Machine();
        var runs = ReportRunner.Run(claims, budget, outputFolder, progress, cancel, finished);
        var document = new ReportDocument
        {
            Title = "The chapter's claims, measured",
            Introduction = "Each row is one checkable claim of the chapter \"AutoEncoders and Deep AutoEncoders\": what it says, what Bottleneck measured and with which settings, the verdict and the rule that chose it, and what the full budget gave. Regenerate it with: bottleneck report --budget " + budget.Name() + ".",
            Budget = budget,
            GeneratedUtc = DateTime.UtcNow,
            Machine = machine,
            Claims = runs.Select(r => r.Result).ToList(),
        };
        Write(document, outputFolder, Path.Combine(outputFolder, ReportRunner.CacheFolder));
        return (document, runs);
    }

    /// <summary>Writes report.html and report.json into <paramref name="folder"/>, embedding figures from <paramref name="figureFolder"/>.</summary>
    public static void Write(ReportDocument document, string folder, string figureFolder)
    {
        HtmlReport.Save(Path.Combine(folder, HtmlFile), document, figureFolder);
        ReportJson.Save(Path.Combine(folder, JsonFile), document);
    }

    /// <summary>
    /// The demo's page: its one claim — the deep autoencoder's "MSE 0.072" (§4.3, §10.3) — judged on the demo's own run
    /// (up to <paramref name="maxEpochs"/> epochs with early stopping: <paramref name="training"/>, measured as <paramref name="test"/>)
    /// as <c>bottleneck report</c> judges it, with the demo's <paramref name="figure"/> (a file in the demo's folder) beside it.
    /// </summary>
    public static ReportDocument DemoPage(TrainingResult training, ReconstructionMetrics test, long seed, int maxEpochs, string figure)
    {
        var claim = new LossScaleClaim();
        var full = claim.Settings(ReportBudget.Full);
        int epochs = training.EpochsRun;
        var budget = maxEpochs >= full.Epochs ? ReportBudget.Full : ReportBudget.Quick;
        var settings = new ClaimSettings(budget, "MNIST", [seed], Epochs: epochs, TrainingSamples: full.TrainingSamples,
            TestSamples: test.Samples, Extra: $"the demo: up to {maxEpochs} epochs, early stopping (patience 10), best weights restored");
        var outcome = LossScaleClaim.Judge(test, budget) with
        {
            FigureCaption = "The first 20 test digits (top) and their reconstructions (bottom), each with its MSE.",
        };
        var result = ReportRunner.Describe(claim, settings, outcome, figure) with { Reduced = epochs < full.Epochs };
        return new ReportDocument
        {
            Title = "The chapter's complete MNIST example (§10.5), measured",
            Introduction = "bottleneck demo trained the deep autoencoder 784-128-64-32-64-128-784 and judged the chapter's claim about its loss. metrics.json beside this page holds every measured figure; bottleneck report measures the chapter's other claims.",
            Budget = budget,
            GeneratedUtc = DateTime.UtcNow,
            Machine = Machine(),
            Claims = [result],
        };
    }

    /// <summary>The machine in words: cores, OS, .NET, torch threads and, on Linux, the load average when the report started.</summary>
    public static string Machine()
    {
        var parts = new List<string>
        {
            $"{Environment.ProcessorCount} cores",
            RuntimeInformation.OSDescription,
            $".NET {Environment.Version}",
            $"{TorchSharp.torch.get_num_threads()} torch thread(s)",
        };
        if (File.Exists("/proc/loadavg") && File.ReadAllText("/proc/loadavg").Split(' ') is [var one, ..] &&
            double.TryParse(one, NumberStyles.Float, CultureInfo.InvariantCulture, out var load))
            parts.Add($"load average {load.ToString("0.0", CultureInfo.InvariantCulture)} at the start");
        return string.Join(", ", parts);
    }
}
