using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Render;

/// <summary>
/// Pictures of what a generative decoder does with points of its latent space: decodes of draws from the prior
/// N(0, I) (the chapter's "sample z ~ N(0, I), decode → new image", §13.1), and, for a 2-D latent space, the decoder
/// over an even grid of the prior's quantiles (Kingma and Welling's manifold figure).
/// </summary>
public static class LatentGrid
{
    /// <summary>Decodes rows × columns draws z ~ N(0, I) from a generator seeded with <paramref name="seed"/> and saves the grid as PNG.</summary>
    public static void SavePriorSamples(string path, Autoencoder model, int latentSize, ImageShape shape, string title,
        int rows = 8, int columns = 10, long seed = 0)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var z = randn([rows * columns, latentSize], generator: generator);
        var images = Images(model.Decode(z));
        var gridRows = Enumerable.Range(0, rows).Select(r => new GridRow("", images[(r * columns)..((r + 1) * columns)])).ToArray();
        ImageGrid.SavePng(path, title, gridRows, shape.Width, shape.Height, shape.Channels, scale: 2);
    }

    /// <summary>
    /// Decodes the n × n points z = (Φ⁻¹(u_i), Φ⁻¹(u_j)) with u evenly spaced in [0.05, 0.95], so equal areas of the
    /// grid hold equal prior mass; z₁ grows to the right and z₂ upwards.
    /// </summary>
    public static void SaveManifold(string path, Autoencoder model, ImageShape shape, string title, int n = 15)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var quantiles = special.ndtri(linspace(0.05, 0.95, n));
        var z1 = quantiles.unsqueeze(0).expand(n, n);                 // column j → z₁ = Φ⁻¹(u_j)
        var z2 = quantiles.flip(0).unsqueeze(1).expand(n, n);         // row i (top first) → z₂ = Φ⁻¹(u_{n−1−i})
        var z = stack([z1.reshape(-1), z2.reshape(-1)], 1).to_type(ScalarType.Float32);
        var images = Images(model.Decode(z));
        var gridRows = Enumerable.Range(0, n).Select(r => new GridRow("", images[(r * n)..((r + 1) * n)])).ToArray();
        ImageGrid.SavePng(path, title, gridRows, shape.Width, shape.Height, shape.Channels, scale: 2);
    }

    static float[][] Images(Tensor decoded)
    {
        var flat = decoded.reshape(decoded.shape[0], -1).contiguous();
        return Enumerable.Range(0, (int)flat.shape[0]).Select(i => flat[i].data<float>().ToArray()).ToArray();
    }
}
