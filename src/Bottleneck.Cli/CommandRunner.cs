using System.CommandLine;

namespace Bottleneck.Cli;

/// <summary>
/// Runs the command line with the toolkit's exit codes: 0 success; 2 bad input or usage, as one line on stderr with no
/// stack trace; 1 an internal error, with the stack trace so it can be reported; 130 stopped by Ctrl-C after saving
/// what it had (128 + SIGINT, the shell's convention, so scripts can tell a cut-short run from a finished one).
/// A bare `bottleneck` prints the help and exits 0.
/// </summary>
internal static class CommandRunner
{
    public const int Success = 0, InternalError = 1, BadInput = 2, Interrupted = 130;

    public static int Run(Command root, string[] args)
    {
        // A figure JSON cannot hold (NaN, ∞) is written as null; the user hears of it here.
        Bottleneck.IO.FiniteJson.Warning = Console.Error.WriteLine;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? root.Name : $"{root.Name} {command.Name}";
            Console.Error.WriteLine($"{name}: {ErrorMessage(parsed, command)} (see '{name} --help')");
            return BadInput;
        }
        return parsed.Invoke();
    }

    static string ErrorMessage(ParseResult parsed, Command command)
    {
        // A word where a subcommand belongs is a mistyped command; System.CommandLine's own message would not say so.
        var first = parsed.UnmatchedTokens.FirstOrDefault();
        if (command.Subcommands.Count == 0 || first is null || first.StartsWith('-')) return parsed.Errors[0].Message;
        var nearest = NearestCommand.To(first, command.Subcommands.Select(c => c.Name));
        return nearest is null ? $"unknown command '{first}'" : $"unknown command '{first}'; did you mean '{nearest}'?";
    }

    /// <summary>Wraps a command's body so that its failures end with the right exit code and message.</summary>
    public static Func<ParseResult, int> Guard(string command, Func<ParseResult, int> body) => parsed =>
    {
        try
        {
            var code = body(parsed);
            return code == Success && Interruptible.Interrupted ? Interrupted : code;
        }
        catch (BadInputException e)
        {
            // The library names options by their fields (batch_size); the user typed flags (--batch-size).
            Console.Error.WriteLine($"bottleneck {command}: {OptionFlags.Describe(e)}");
            return BadInput;
        }
        catch (Exception e) when (e.InnerException is BadInputException inner)
        {
            Console.Error.WriteLine($"bottleneck {command}: {OptionFlags.Describe(inner)}");
            return BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"bottleneck {command}: internal error, please report it with the trace below");
            Console.Error.WriteLine(e);
            return InternalError;
        }
    };
}
