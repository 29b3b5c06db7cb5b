using System.Globalization;
using Bottleneck;
using Spectre.Console;

namespace Bottleneck.Cli;

/// <summary>
/// Shows a library's <see cref="StageProgress"/> on stderr (stdout stays clean for results and --json): on a terminal a
/// bar per stage with its percentage, elapsed time and ETA; when stderr is redirected (logs, CI, tests) one line per
/// stage, written when it starts, with its count and a trailing "…" (a stage that announces a finished step has none):
/// a log shows what is being done without a line per item.
/// </summary>
internal sealed class ConsoleProgress : IProgress<StageProgress>
{
    readonly ProgressContext? bars;
    readonly TextWriter log;
    readonly object gate = new();
    string? stage;
    ProgressTask? task;

    ConsoleProgress(ProgressContext? bars, TextWriter log)
    {
        this.bars = bars;
        this.log = log;
    }

    /// <summary>Runs <paramref name="work"/> with a progress display that suits stderr, and returns its result.</summary>
    public static T Run<T>(Func<IProgress<StageProgress>, T> work)
    {
        var console = ConsoleTrainingObserver.ErrorConsole;
        if (Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive)
        {
            var plain = ForLog(Console.Error);
            return work(plain);
        }
        T value = default!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var shown = new ConsoleProgress(ctx, Console.Error);
                value = work(shown);
                shown.Finish();
            });
        return value;
    }

    /// <summary>
    /// Writes a line of log beside the progress display: above the live bars on a terminal (a plain write there would
    /// tear the bars), as it is on redirected stderr.
    /// </summary>
    public static void Log(string line)
    {
        var console = ConsoleTrainingObserver.ErrorConsole;
        if (Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive) Console.Error.WriteLine(line);
        else console.WriteLine(line);
    }

    /// <summary>The plain display: one line per stage on <paramref name="log"/>.</summary>
    public static ConsoleProgress ForLog(TextWriter log) => new(null, log);

    /// <summary>Runs <paramref name="work"/> with a progress display; for work that returns nothing.</summary>
    public static void Run(Action<IProgress<StageProgress>> work) => Run<bool>(p => { work(p); return true; });

    /// <inheritdoc />
    public void Report(StageProgress value)
    {
        // Reports may come from worker threads; one stage is shown at a time, in the order the stages start.
        lock (gate)
        {
            if (value.Stage != stage)
            {
                Finish();
                stage = value.Stage;
                if (bars is null) log.WriteLine(LogLine(value));
                else task = bars.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
            }
            if (task is not null)
            {
                task.MaxValue = Math.Max(1, value.Total);
                task.Value = value.Done;
            }
        }
    }

    // Closes the stage being shown: its bar stops (a log line needs no closing).
    void Finish()
    {
        lock (gate)
        {
            task?.StopTask();
            stage = null;
            task = null;
        }
    }

    /// <summary>
    /// A stage's line in a log: "scoring rows: 2,500…" or "writing figures…" for a stage that starts (the "…" says work
    /// follows); a stage first reported with all its units done announces a finished step and gets no "…"
    /// ("[2/9] sparsity: done: confirmed", "corrupting the images: 10,000").
    /// </summary>
    public static string LogLine(StageProgress value) =>
        value.Total > 0 && value.Done >= value.Total ? (value.Total == 1 ? value.Stage : $"{value.Stage}: {Count(value.Total)}")
        : value.Total > 0 ? $"{value.Stage}: {Count(value.Total)}…"
        : $"{value.Stage}…";

    static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
