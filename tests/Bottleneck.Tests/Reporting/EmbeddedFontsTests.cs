using Bottleneck.Reporting;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class EmbeddedFontsTests
{
    [Fact]
    public void The_embedded_typefaces_load_and_have_glyphs()
    {
        Assert.Equal(EmbeddedFonts.FamilyName, EmbeddedFonts.Regular.FamilyName);
        Assert.Equal(EmbeddedFonts.FamilyName, EmbeddedFonts.Bold.FamilyName);
        Assert.True(EmbeddedFonts.Bold.FontStyle.Weight >= (int)SKFontStyleWeight.Bold);
        Assert.True(EmbeddedFonts.Regular.ContainsGlyphs("Epoch 10⁻³ ×"));
    }

    [Fact]
    public void ScottPlot_resolves_its_default_font_to_the_embedded_typefaces()
    {
        EmbeddedFonts.UseInScottPlot();

        Assert.Equal(EmbeddedFonts.FamilyName, ScottPlot.Fonts.Default);
        Assert.Same(EmbeddedFonts.Regular, ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Default, bold: false, italic: false));
        Assert.Same(EmbeddedFonts.Bold, ScottPlot.Fonts.GetTypeface(ScottPlot.Fonts.Default, bold: true, italic: false));
    }
}
