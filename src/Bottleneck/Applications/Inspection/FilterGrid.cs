using System.Globalization;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// Draws a <see cref="FilterBank"/> as image tiles. Each tile is scaled by its own largest |w| (weight rows differ in
/// size by an order of magnitude, and one shared scale would leave most tiles blank), symmetrically around 0, and
/// coloured with a diverging map: blue for negative weights, white for 0, red for positive. Min-max grey would move 0 to
/// a different grey in every tile and hide which pixels a unit ignores; the diverging map keeps 0 white everywhere.
/// Colour (3-channel) kernels cannot take a diverging map, so they are drawn as 0.5 + 0.5·w/max|w| per channel (0 = grey).
/// </summary>
internal static class FilterGrid
{
    /// <summary>The colour at −1 (the most negative weight of a tile): RdBu's dark blue.</summary>
    public static readonly (float R, float G, float B) Negative = (33 / 255f, 102 / 255f, 172 / 255f);

    /// <summary>The colour at +1 (the most positive weight of a tile): RdBu's dark red.</summary>
    public static readonly (float R, float G, float B) Positive = (178 / 255f, 24 / 255f, 43 / 255f);

    /// <summary>
    /// The diverging colour of a normalised weight t ∈ [−1, 1]: white at 0, blending linearly to <see cref="Negative"/>
    /// at −1 and to <see cref="Positive"/> at +1; values outside are clamped.
    /// </summary>
    public static (float R, float G, float B) Diverging(float t)
    {
        t = float.IsNaN(t) ? 0 : Math.Clamp(t, -1f, 1f);
        var (r, g, b) = t < 0 ? Negative : Positive;
        float a = MathF.Abs(t);
        return ((1 - a) + a * r, (1 - a) + a * g, (1 - a) + a * b);   // white·(1 − |t|) + end colour·|t|
    }

    /// <summary>The RGB pixels (channels last, in [0, 1]) a tile is drawn with, after <see cref="FilterBank.Normalise"/>.</summary>
    public static float[] TilePixels(float[] weights, int channels)
    {
        var t = FilterBank.Normalise(weights);
        if (channels == 3) return t.Select(v => 0.5f + 0.5f * v).ToArray();
        var rgb = new float[t.Length * 3];
        for (int i = 0; i < t.Length; i++)
            (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) = Diverging(t[i]);
        return rgb;
    }

    /// <summary>
    /// Saves the tiles as a grid of about √(2n) columns (each pixel enlarged to <paramref name="scale"/>², chosen from the
    /// tile size when null), each captioned with its unit and its max|w|, under <paramref name="title"/> and a key line.
    /// </summary>
    public static void SavePng(string path, FilterBank bank, string title, int? columns = null, int? scale = null)
    {
        int n = bank.Weights.Count;
        int perRow = columns ?? Math.Max(1, (int)Math.Ceiling(Math.Sqrt(n * 2.0)));
        // A 28×28 row reads well at 3× a pixel; a 3×3 kernel needs 16× to be seen at all.
        int pixelScale = scale ?? Math.Clamp(90 / Math.Max(bank.Width, bank.Height), 2, 16);
        var scales = bank.Scales;
        var rows = new List<GridRow>();
        for (int start = 0; start < n; start += perRow)
        {
            var indices = Enumerable.Range(start, Math.Min(perRow, n - start)).ToArray();
            rows.Add(new GridRow("",
                indices.Select(i => TilePixels(bank.Weights[i], bank.Channels)).ToArray(),
                indices.Select(i => $"{bank.Units[i]}: {scales[i].ToString(scales[i] < 10 ? "F3" : "G3", CultureInfo.InvariantCulture)}").ToArray()));
        }
        string key = bank.Channels == 3
            ? "Each tile scaled to its own max|w| (caption: unit: max|w|); per channel, grey = 0, brighter = positive, darker = negative"
            : "Each tile scaled to its own max|w| (caption: unit: max|w|); blue = negative weight, white = 0, red = positive";
        ImageGrid.SavePng(path, title, rows, bank.Width, bank.Height, channels: 3, scale: pixelScale, subtitle: key);
    }
}
