using System.Globalization;

namespace Bottleneck.Cli;

/// <summary>Parses comma-separated integers such as "0,1,2" (class numbers, code sizes) given to an option.</summary>
internal static class ClassList
{
    /// <summary>The integers of <paramref name="text"/>, or null when it is null; a malformed list is a usage error naming <paramref name="option"/>.</summary>
    public static int[]? Parse(string? text, string option)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
                throw new BadInputException($"{option}: expected comma-separated whole numbers such as 0,1,2, got '{text}'");
        return values;
    }
}
