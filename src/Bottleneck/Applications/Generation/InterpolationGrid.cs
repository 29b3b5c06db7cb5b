using TorchSharp;
using static TorchSharp.torch;
using Bottleneck.Data;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Generation;

/// <summary>One row of an <see cref="InterpolationGrid"/>: its title, the decoded steps [steps, ...], and each step's caption (or null).</summary>
internal sealed record InterpolationRow(string Title, Tensor Steps, string[]? Captions);

/// <summary>
/// The interpolation figure: one row per way of walking between the same two inputs (the pixel cross-fade, then each
/// model's latent path), the steps left to right, each image with an optional caption (the class a classifier sees in it).
/// </summary>
internal static class InterpolationGrid
{
    /// <summary>Draws the rows with pixels tripled and saves the PNG atomically.</summary>
    public static void Save(string path, string title, IReadOnlyList<InterpolationRow> rows, ImageShape shape)
    {
        var gridRows = rows.Select(row =>
        {
            var flat = row.Steps.reshape(row.Steps.shape[0], -1).contiguous();
            var images = Enumerable.Range(0, (int)flat.shape[0]).Select(i => flat[i].data<float>().ToArray()).ToArray();
            return new GridRow(row.Title, images, row.Captions);
        }).ToArray();
        ImageGrid.SavePng(path, title, gridRows, shape, scale: 2);
    }
}
