using System.Globalization;
using System.Text;

namespace Bottleneck;

/// <summary>
/// Text taken from an input file, made fit for a one-line error message: cut to a few dozen characters, with line
/// breaks, terminal escape codes and other control or invisible formatting characters written as escapes, so a
/// hostile file can neither flood the terminal, break the one line, nor drive the terminal.
/// </summary>
internal static class Excerpt
{
    /// <summary>How many characters of the original are shown when none is given.</summary>
    public const int DefaultLength = 40;

    /// <summary>
    /// <paramref name="text"/> in single quotes, escaped, and cut to <paramref name="maxLength"/> characters; a cut
    /// says how long the original was, e.g. <c>'1111...' (20000000 characters)</c>.
    /// </summary>
    public static string Quote(string text, int maxLength = DefaultLength)
    {
        var (head, cut) = Escape(text, maxLength);
        return cut ? $"'{head}...' ({text.Length} characters)" : $"'{head}'";
    }

    /// <summary>Like <see cref="Quote(string, int)"/> without the quotes, for names shown in a message's prefix (a zip entry, a column).</summary>
    public static string Of(string text, int maxLength = DefaultLength)
    {
        var (head, cut) = Escape(text, maxLength);
        return cut ? $"{head}... ({text.Length} characters)" : head;
    }

    /// <summary>One character, quoted and escaped, as in "unexpected '\n'".</summary>
    public static string Quote(char c) => Quote(c.ToString());

    private static (string Head, bool Cut) Escape(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var length = Math.Min(text.Length, maxLength);
        if (length < text.Length && char.IsHighSurrogate(text[length - 1])) length--; // never split a surrogate pair
        var builder = new StringBuilder(length + 8);
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }
            switch (c)
            {
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                // ESC and the other C0/C1 controls drive terminals; format characters (bidi overrides, zero-width
                // joiners) and line separators make the shown text differ from the bytes; a lone surrogate is not text.
                case var _ when char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c)
                        is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    break;
                default: builder.Append(c); break;
            }
        }
        return (builder.ToString(), length < text.Length);
    }
}
