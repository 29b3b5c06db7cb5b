using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Reporting;

/// <summary>
/// Pictures of what a generative decoder does with points of its latent space: decodes of draws from the prior
/// N(0, I) (the chapter's "sample z ~ N(0, I), decode → new image", §13.1), and, for a 2-D latent space, the decoder
/// over an even grid of the prior's quantiles (Kingma and Welling's manifold figure).
/// </summary>
internal static class LatentGrid
{
    /// <summary>Decodes rows × columns draws z ~ N(0, I) from a generator seeded with <paramref name="seed"/> and saves the grid as PNG.</summary>
    public static void SavePriorSamples(string path, Autoencoder model, int latentSize, ImageShape shape, string title,
        int rows = 8, int columns = 10, long seed = 0)
    {
        using var prior = LatentGaussian.StandardNormal(latentSize);
        using var scope = NewDisposeScope();
        SaveSamples(path, Samples(model, prior, rows * columns, seed), shape, title, rows, columns);
    }

    /// <summary>
    /// The decodes g(z) of <paramref name="count"/> codes z drawn from <paramref name="distribution"/> with
    /// <paramref name="seed"/> at <paramref name="temperature"/>, [count, ...input shape]: what a decoder makes of its latent space.
    /// </summary>
    public static Tensor Samples(Autoencoder model, LatentGaussian distribution, int count, long seed, double temperature = 1.0)
    {
        long k = model.CodeShape.Aggregate(1L, (a, b) => a * b);
        if (distribution.Dimension != k)
            throw new OptionException("model", $"the model's code has {k} values, the latent distribution {distribution.Dimension}");
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var z = distribution.Sample(count, seed, temperature).reshape([count, .. model.CodeShape]);
        return model.Decode(z).reshape([count, .. model.InputShape]).MoveToOuterDisposeScope();
    }

    /// <summary>Draws <paramref name="decoded"/> [rows·columns, ...] as a grid of <paramref name="rows"/> rows, pixels doubled.</summary>
    public static void SaveSamples(string path, Tensor decoded, ImageShape shape, string title, int rows, int columns)
    {
        var images = Images(decoded);
        if (images.Length != rows * columns) throw new ArgumentException($"{images.Length} images for a {rows} × {columns} grid");
        var gridRows = Enumerable.Range(0, rows).Select(r => new GridRow("", images[(r * columns)..((r + 1) * columns)])).ToArray();
        ImageGrid.SavePng(path, title, gridRows, shape, scale: 2);
    }

    /// <summary>
    /// Decodes the n × n points z = (Φ⁻¹(u_i), Φ⁻¹(u_j)) with u evenly spaced in [0.05, 0.95], so equal areas of the
    /// grid hold equal prior mass; z₁ grows to the right and z₂ upwards.
    /// </summary>
    public static void SaveManifold(string path, Autoencoder model, ImageShape shape, string title, int n = 15) =>
        SaveManifold(path, model, shape, title, ManifoldAxes.Prior(2, n));

    /// <summary>
    /// Decodes the grid <paramref name="axes"/> lays over two code dimensions, the first growing to the right and the
    /// second upwards, and labels the columns (above the top row) and the rows (at their left) with their values.
    /// </summary>
    public static void SaveManifold(string path, Autoencoder model, ImageShape shape, string title, ManifoldAxes axes)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int n = axes.FirstValues.Length;
        var images = Images(model.Decode(axes.Grid().reshape([n * n, .. model.CodeShape])));
        var gridRows = Enumerable.Range(0, n).Select(r => new GridRow(Label(axes.SecondValues[n - 1 - r]), images[(r * n)..((r + 1) * n)],
            r == 0 ? axes.FirstValues.Select(Label).ToArray() : null)).ToArray();
        ImageGrid.SavePng(path, title, gridRows, shape, scale: 2);
    }

    /// <summary>An axis value with a true minus sign and two decimals: "−1.64", "0.00", "1.64".</summary>
    static string Label(double value) =>
        (Math.Round(value, 2) + 0.0).ToString("0.00", CultureInfo.InvariantCulture).Replace('-', '−');   // + 0.0 turns −0 into 0

    static float[][] Images(Tensor decoded)
    {
        var flat = decoded.reshape(decoded.shape[0], -1).contiguous();
        return Enumerable.Range(0, (int)flat.shape[0]).Select(i => flat[i].data<float>().ToArray()).ToArray();
    }
}
