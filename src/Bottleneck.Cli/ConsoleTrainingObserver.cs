using System.Globalization;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli;

/// <summary>
/// Shows training progress on stderr: on a terminal a Spectre.Console progress bar with the running loss and ETA, and a
/// Keras-style line per finished epoch; when stderr is redirected (logs, CI) only the epoch lines.
/// </summary>
internal sealed class ConsoleTrainingObserver : ITrainingObserver
{
    readonly IAnsiConsole console;
    readonly ProgressContext? progress;
    ProgressTask? task;
    int epochs;

    ConsoleTrainingObserver(IAnsiConsole console, ProgressContext? progress)
    {
        this.console = console;
        this.progress = progress;
    }

    /// <summary>The console progress goes to: stderr, so stdout stays clean for results and --json.</summary>
    public static IAnsiConsole ErrorConsole { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="work"/> with an observer that suits the terminal, and returns its result.</summary>
    public static T Run<T>(Func<ITrainingObserver, T> work)
    {
        var console = ErrorConsole;
        if (Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive)
            return work(new ConsoleTrainingObserver(console, null));
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = work(new ConsoleTrainingObserver(console, ctx)));
        return result;
    }

    public void EpochStarted(int epoch, int epochs, int batches)
    {
        this.epochs = epochs;
        if (progress is null) return;
        task = progress.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);
    }

    public void BatchCompleted(int epoch, int batch, int batches, double? runningLoss)
    {
        if (task is null) return;
        task.Value = batch;
        if (runningLoss is double loss)
            task.Description = $"epoch {epoch}/{epochs}  loss {loss.ToString("F5", CultureInfo.InvariantCulture)}";
    }

    public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events)
    {
        task?.StopTask();
        var line = $"epoch {record.Epoch}/{epochs}  {record.Seconds.ToString("F1", CultureInfo.InvariantCulture)}s  " +
                   $"loss {Format(record.Loss)}" +
                   // A family whose loss has several terms (a VAE's reconstruction and KL) shows each epoch mean.
                   (record.Parts.Count > 1 ? $" [{string.Join(", ", record.Parts.Select(p => $"{p.Key} {Format(p.Value)}"))}]" : "") +
                   (record.ValLoss is double v ? $"  val_loss {Format(v)}" : "") +
                   $"  lr {record.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}" +
                   (events.Count > 0 ? $"  ({OptionFlags.Describe(string.Join("; ", events))})" : "");
        if (progress is null) Console.Error.WriteLine(line);   // plain logs: one unwrapped line per epoch
        else console.WriteLine(line);
    }

    public void StageStarted(string description)
    {
        if (progress is null) Console.Error.WriteLine(description);
        else console.MarkupLine($"[bold]{Markup.Escape(description)}[/]");
    }

    static string Format(double x) => x.ToString("F5", CultureInfo.InvariantCulture);
}
