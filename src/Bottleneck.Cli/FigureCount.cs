using System.Globalization;
using Bottleneck.Reporting;

namespace Bottleneck.Cli;

/// <summary>
/// How many images a command draws into a figure: the --count asked for, within the samples there are and the
/// <see cref="ImageGrid.MaxWrappedImages"/> a figure holds. A count cut down is said on stderr, never silently.
/// </summary>
internal static class FigureCount
{
    public static int Capped(string command, int requested, int available)
    {
        var drawn = Math.Min(requested, Math.Min(available, ImageGrid.MaxWrappedImages));
        if (drawn < requested)
        {
            var limits = new List<string>();
            if (available < requested) limits.Add($"there are {N(available)} samples");
            if (ImageGrid.MaxWrappedImages < requested) limits.Add($"a figure holds at most {N(ImageGrid.MaxWrappedImages)}");
            Console.Error.WriteLine($"bottleneck {command}: --count {N(requested)}: drawing {N(drawn)} ({string.Join(" and ", limits)})");
        }
        return drawn;
    }

    static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
