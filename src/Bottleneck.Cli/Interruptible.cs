namespace Bottleneck.Cli;

/// <summary>
/// Runs long work so that the first Ctrl-C asks it to stop after the current batch (and save what it has), and a
/// second Ctrl-C ends the process at once.
/// </summary>
internal static class Interruptible
{
    /// <summary>True once Ctrl-C has stopped work in this process: the command then ends with exit code 130, not 0.</summary>
    public static bool Interrupted { get; private set; }

    public static T Run<T>(Func<CancellationToken, T> work)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return;       // second Ctrl-C: let the process end
            e.Cancel = true;
            Interrupted = true;
            cancel.Cancel();
            Console.Error.WriteLine("\nstopping after this batch and saving what was trained (Ctrl-C again to quit at once)");
        };
        Console.CancelKeyPress += handler;
        try { return work(cancel.Token); }
        finally { Console.CancelKeyPress -= handler; }
    }
}
