using Spectre.Console;

namespace Bottleneck.Cli;

/// <summary>
/// The width tables and text on stdout are laid out in. Output sent to a file or a pipe has no width of its own, and
/// Spectre.Console's default of 80 columns would split cells in two ("Autoenco / der", a path across two lines); there
/// the layout gets all the room it needs. COLUMNS, when set to a positive number, wins in both cases.
/// </summary>
internal static class ConsoleWidth
{
    /// <summary>Wide enough that no table of the toolkit's wraps; tables take only their natural width, so none is padded to it.</summary>
    public const int Redirected = 4096;

    /// <summary>Sets the width of <see cref="AnsiConsole"/> for this process.</summary>
    public static void Apply()
    {
        if (For(Environment.GetEnvironmentVariable("COLUMNS"), Console.IsOutputRedirected) is int width)
            AnsiConsole.Profile.Width = width;
    }

    /// <summary>The width to lay out in, or null to keep the terminal's own.</summary>
    public static int? For(string? columns, bool outputRedirected) =>
        int.TryParse(columns, out var c) && c > 0 ? c
        : outputRedirected ? Redirected
        : null;
}
