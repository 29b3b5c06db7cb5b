using System.CommandLine;

namespace Bottleneck.Cli;

/// <summary>
/// The preamble every command that does tensor work shares, written once: the --threads option, libtorch's thread count
/// set from it before anything else runs, and the body behind <see cref="CommandRunner.Guard"/> (exit codes, one-line
/// errors).
/// </summary>
internal static class CommandAction
{
    /// <summary>
    /// Adds --threads to <paramref name="command"/> and makes <paramref name="body"/> its action, as `bottleneck
    /// <paramref name="name"/>`. A command that trains passes its own <paramref name="threads"/>
    /// (<see cref="SharedOptions.TrainingThreads"/>), whose value it also reads as the number of workers.
    /// </summary>
    public static void Set(Command command, string name, Func<ParseResult, int> body, Option<int>? threads = null)
    {
        threads ??= SharedOptions.Threads();
        command.Options.Add(threads);
        command.SetAction(CommandRunner.Guard(name, parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            return body(parsed);
        }));
    }
}
