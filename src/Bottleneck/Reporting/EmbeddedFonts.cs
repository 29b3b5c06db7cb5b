using ScottPlot;
using SkiaSharp;

namespace Bottleneck.Reporting;

/// <summary>
/// The DejaVu Sans typefaces compiled into this assembly, and the switch that makes ScottPlot draw with them.
/// Every figure uses these instead of system fonts because the machines we run on may have no fonts at all.
/// </summary>
internal static class EmbeddedFonts
{
    /// <summary>The family name under which ScottPlot resolves the embedded typefaces.</summary>
    public const string FamilyName = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> regular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> bold = new(() => Load("DejaVuSans-Bold.ttf"));
    private static readonly Lock registration = new();
    private static bool registered;

    /// <summary>DejaVu Sans, regular weight.</summary>
    public static SKTypeface Regular => regular.Value;

    /// <summary>DejaVu Sans, bold weight.</summary>
    public static SKTypeface Bold => bold.Value;

    /// <summary>
    /// Makes the embedded family ScottPlot's default font; call before creating a <see cref="Plot"/>, because
    /// ScottPlot copies the default font name into each label when the label is created.
    /// </summary>
    public static void UseInScottPlot()
    {
        lock (registration)
        {
            if (!registered)
            {
                // First in the list, so the embedded copy wins even where the system has its own DejaVu Sans:
                // every machine then draws identical figures.
                Fonts.FontResolvers.Insert(0, new Resolver());
                registered = true;
            }
            // Set on every call rather than once, so that code elsewhere changing ScottPlot's defaults cannot
            // leave our figures asking for a font the machine lacks.
            Fonts.Default = FamilyName;
            Fonts.Sans = FamilyName;
        }
    }

    private static SKTypeface Load(string fileName)
    {
        var resource = $"Bottleneck.Reporting.Fonts.{fileName}";
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The font resource '{resource}' is missing from the Bottleneck assembly.");
        // Skia reads a typeface lazily from its source, so it gets its own copy of the bytes rather than a stream
        // that is disposed here.
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"The font resource '{resource}' is not a font SkiaSharp can read.");
    }

    /// <summary>Answers ScottPlot's requests for <see cref="FamilyName"/>; leaves every other name to the next resolver.</summary>
    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            string.Equals(fontName, FamilyName, StringComparison.OrdinalIgnoreCase)
                ? weight >= FontWeight.SemiBold ? Bold : Regular
                : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal,
                italic ? FontSlant.Italic : FontSlant.Upright, FontSpacing.Normal);
    }
}
