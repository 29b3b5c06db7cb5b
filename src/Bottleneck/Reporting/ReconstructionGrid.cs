using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Reporting;

/// <summary>
/// The chapter's reconstruction figure (§10.5): the first n samples above their reconstructions, each
/// original captioned with its label and each reconstruction with its own MSE.
/// </summary>
internal static class ReconstructionGrid
{
    /// <summary>Reconstructs the first <paramref name="count"/> samples of <paramref name="data"/> and saves the grid as PNG.</summary>
    public static void Save(string path, Autoencoder model, Dataset data, ImageShape shape, int count, string title) =>
        Save(path, data, shape, count, title, [("Reconstructed", model)]);

    /// <summary>
    /// The originals captioned with their labels above one row per model (PCA beside an autoencoder, say), each
    /// reconstruction captioned with its own MSE; the first <paramref name="count"/> samples, saved as PNG.
    /// </summary>
    public static void Save(string path, Dataset data, ImageShape shape, int count, string title, IReadOnlyList<(string Title, Autoencoder Model)> models)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var originals = data.Batch(0, count).reshape(count, -1);
        var rows = new List<GridRow> { new("Original", Rows(originals), Enumerable.Range(0, count).Select(i => ClassCaption.Of(data, i)).ToArray()) };
        foreach (var (name, model) in models)
        {
            model.eval();
            var reconstructions = model.Reconstruct(originals).reshape(count, -1);
            var errors = (reconstructions - originals).square().mean([1]).data<float>().ToArray();
            rows.Add(new GridRow(name, Rows(reconstructions), errors.Select(e => $"MSE: {e.ToString("F4", CultureInfo.InvariantCulture)}").ToArray()));
        }
        ImageGrid.SaveWrappedPng(path, title, [rows], shape);
    }

    /// <summary>
    /// Pairs of rows for chosen samples, such as the worst and the best reconstructions (Problem 6, §12.6): for
    /// each group, the inputs captioned "#index · label" above their reconstructions captioned with each sample's error.
    /// The errors are given (measured once, by the caller), so the picture shows exactly the numbers written elsewhere.
    /// </summary>
    public static void SaveSelected(string path, Autoencoder model, Dataset data, ImageShape shape, string title,
        IReadOnlyList<(string Name, int[] Indices, double[] Errors)> groups, string errorName, string? subtitle = null)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var bands = new List<IReadOnlyList<GridRow>>();
        foreach (var (name, indices, errors) in groups)
        {
            var originals = data.Batch(tensor(indices.Select(i => (long)i).ToArray())).reshape(indices.Length, -1);
            var reconstructions = model.Reconstruct(originals).reshape(indices.Length, -1);
            bands.Add([new GridRow($"{name}: input", Rows(originals), indices.Select(i => ClassCaption.Indexed(data, i)).ToArray()),
                new GridRow("reconstruction", Rows(reconstructions),
                    errors.Select(e => $"{errorName} {e.ToString("F4", CultureInfo.InvariantCulture)}").ToArray())]);
        }
        ImageGrid.SaveWrappedPng(path, title, bands, shape, subtitle: subtitle);
    }

    static float[][] Rows(Tensor batch) =>
        Enumerable.Range(0, (int)batch.shape[0]).Select(i => batch[i].contiguous().data<float>().ToArray()).ToArray();
}
