using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Report;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>
/// `bottleneck report`: the chapter's checkable claims, measured at a budget, written as one self-contained HTML page and
/// report.json; each claim is cached by its settings, so a second run is instant and an interrupted one resumes.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var budget = new Option<string>("--budget") { Description = "quick (minutes, fewer epochs and seeds), standard (within an hour) or full (the README's settings)", DefaultValueFactory = _ => "quick" };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder: report.html, report.json and cache/", DefaultValueFactory = _ => "report" };
        var only = new Option<string?>("--only") { Description = "Measure only these claims (ids separated by commas): " + string.Join(", ", ClaimRegistry.All.Select(c => c.Id)) };
        var command = new Command("report", """
            The chapter's checkable claims, measured: parameter counts, the BCE example, sparsity, denoising, the loss
            scale, the linear-AE ≡ PCA experiment, the 2-D map, the 1,000-label probe, anomaly detection against PCA and
            k-NN, compression ratios, latent-space gaps and the β-VAE. Writes OUT/report.html (one page, figures
            embedded, readable offline and on a phone) and OUT/report.json (every figure). Each claim is cached in
            OUT/cache by its settings: a second run is instant, an interrupted one resumes at the next unfinished claim.

            Example:
              bottleneck report --budget quick                      # a few minutes on two cores
              bottleneck report --budget full --out report-full     # the README's settings
              bottleneck report --only parameter-counts,bce-example
            """) { budget, outDir, only };
        CommandAction.Set(command, "report", parsed =>
        {
            var chosenBudget = ReportBudgets.Parse(parsed.GetValue(budget)!);
            var claims = ClaimRegistry.Select(parsed.GetValue(only));
            var output = parsed.GetValue(outDir)!;
            try
            {
                var (document, runs) = Interruptible.Run(cancel => ConsoleProgress.Run(progress =>
                    ChapterReport.Run(claims, chosenBudget, output, progress, cancel)));
                Print(runs, output);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"report: stopped; the claims finished so far are cached in {Path.Combine(output, ReportRunner.CacheFolder)}, and the same command resumes at the next one");
                return CommandRunner.Interrupted;
            }
            return CommandRunner.Success;
        });
        return command;
    }

    static void Print(IReadOnlyList<RunClaim> runs, string output)
    {
        var table = new Table().AddColumns("claim", "section", "verdict", "seconds", "CPU seconds");
        foreach (var run in runs)
            table.AddRow(Markup.Escape(run.Result.Id), Markup.Escape(run.Result.Section), Markup.Escape(run.Result.Verdict.Text()),
                run.FromCache ? "cached" : run.Result.Seconds.ToString("0.#", CultureInfo.InvariantCulture),
                run.FromCache ? "" : run.Result.CpuSeconds.ToString("0.#", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(Path.Combine(output, ChapterReport.HtmlFile))}[/] and {Markup.Escape(Path.Combine(output, ChapterReport.JsonFile))}");
    }
}
