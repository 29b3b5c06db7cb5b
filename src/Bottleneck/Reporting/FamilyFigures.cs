using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;

namespace Bottleneck.Reporting;

/// <summary>
/// The pictures a model family adds to a training run's folder, drawn here so that models know nothing of figures or
/// files: a VAE's samples.png (decodes of z ~ N(0, I)) and, for a 2-D latent space, latent-manifold.png; a VQ-VAE's
/// codebook-usage.png. Other families add none.
/// </summary>
internal static class FamilyFigures
{
    /// <summary>Draws <paramref name="model"/>'s figures from <paramref name="data"/> into <paramref name="directory"/>; returns the file names written.</summary>
    public static IReadOnlyList<string> Save(Autoencoder model, string directory, Dataset data) => model switch
    {
        VariationalAutoencoder vae => SaveVae(vae, directory),
        VectorQuantizedAutoencoder vq => SaveVq(vq, directory, data),
        _ => [],
    };

    static IReadOnlyList<string> SaveVae(VariationalAutoencoder vae, string directory)
    {
        if (ImageShape.Of(vae.InputShape) is not { } shape) return [];
        var written = new List<string> { "samples.png" };
        LatentGrid.SavePriorSamples(Path.Combine(directory, "samples.png"), vae, vae.LatentSize, shape,
            $"{vae.Spec.Name}: decodes of z ~ N(0, I), the prior (§13.1)");
        if (vae.LatentSize == 2)
        {
            LatentGrid.SaveManifold(Path.Combine(directory, "latent-manifold.png"), vae, shape,
                $"{vae.Spec.Name}: the decoder over the 2-D latent space (Φ⁻¹ of an even grid)");
            written.Add("latent-manifold.png");
        }
        return written;
    }

    // Each code's share of the choices on the data, most used first.
    static IReadOnlyList<string> SaveVq(VectorQuantizedAutoencoder vq, string directory, Dataset data)
    {
        var statistics = CodebookStatistics.Measure(vq, data);
        CodebookUsagePlot.SavePng(Path.Combine(directory, "codebook-usage.png"), statistics, $"{vq.Spec.Name} on {data.Name}: codebook usage");
        return ["codebook-usage.png"];
    }
}
