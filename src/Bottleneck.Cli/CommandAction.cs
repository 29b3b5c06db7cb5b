using System.CommandLine;

namespace Bottleneck.Cli;

/// <summary>
/// The preamble every command that does tensor work shares, written once: the --threads option, libtorch's thread count
/// set from it before anything else runs, and the body behind <see cref="CommandRunner.Guard"/> (exit codes, one-line
/// errors).
/// </summary>
public static class CommandAction
{
    /// <summary>Adds --threads to <paramref name="command"/> and makes <paramref name="body"/> its action, as `bottleneck <paramref name="name"/>`.</summary>
    public static void Set(Command command, string name, Func<ParseResult, int> body)
    {
        var threads = SharedOptions.Threads();
        command.Options.Add(threads);
        command.SetAction(CommandRunner.Guard(name, parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            return body(parsed);
        }));
    }
}
