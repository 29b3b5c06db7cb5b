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
public static class ReconstructionGrid
{
    /// <summary>Reconstructs the first <paramref name="count"/> samples of <paramref name="data"/> and saves the grid as PNG.</summary>
    public static void Save(string path, Autoencoder model, Dataset data, ImageShape shape, int count, string title)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var originals = data.Batch(0, count).reshape(count, -1);
        var reconstructions = model.Reconstruct(originals).reshape(count, -1);
        var errors = (reconstructions - originals).square().mean([1]).data<float>().ToArray();
        var originalImages = Rows(originals);
        var reconstructedImages = Rows(reconstructions);
        var labels = Enumerable.Range(0, count).Select(i => Caption(data, i)).ToArray();
        ImageGrid.SaveWrappedPng(path, title,
            [[new GridRow("Original", originalImages, labels), new GridRow("Reconstructed", reconstructedImages, errors.Select(e => $"MSE: {e:F4}").ToArray())]],
            shape.Width, shape.Height, shape.Channels);
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
            bands.Add([new GridRow($"{name}: input", Rows(originals), indices.Select(i => IndexCaption(data, i)).ToArray()),
                new GridRow("reconstruction", Rows(reconstructions),
                    errors.Select(e => $"{errorName} {e.ToString("F4", CultureInfo.InvariantCulture)}").ToArray())]);
        }
        ImageGrid.SaveWrappedPng(path, title, bands, shape.Width, shape.Height, shape.Channels, subtitle: subtitle);
    }

    /// <summary>"#1234 · 7", or "#1234 · Sneaker" where the classes have names; "#1234" without labels.</summary>
    static string IndexCaption(Dataset data, int i)
    {
        if (data.Labels is not { } labels) return $"#{i}";
        var label = labels[i];
        var name = data.ClassNames is { } names && label >= 0 && label < names.Count ? names[label] : label.ToString(CultureInfo.InvariantCulture);
        return $"#{i} · {name}";
    }

    /// <summary>"Label: 7" as in the chapter's figures, or a class name such as "Sneaker" where the classes have names.</summary>
    static string Caption(Dataset data, int i)
    {
        if (data.Labels is not { } labels) return $"#{i}";
        var label = labels[i];
        return data.ClassNames is { } names && label >= 0 && label < names.Count && !int.TryParse(names[label], out _)
            ? names[label] : $"Label: {label}";
    }

    static float[][] Rows(Tensor batch) =>
        Enumerable.Range(0, (int)batch.shape[0]).Select(i => batch[i].contiguous().data<float>().ToArray()).ToArray();
}
