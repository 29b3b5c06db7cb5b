namespace Bottleneck.Models.Vae;

/// <summary>
/// Options of the variational family (chapter §13.1-§13.2): the KL weight β, an optional convolutional encoder, and
/// how many importance samples the test-set likelihood estimate takes. The spec's <c>encoder</c> widths are the dense
/// hidden layers and <c>bottleneck</c> is the latent dimension k of μ and log σ².
/// </summary>
internal sealed record VaeSpec
{
    /// <summary>β of the β-VAE's β·KL (§13.2: "β &gt; 1, typically 2-10"); 1 is the plain VAE's ELBO.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>
    /// Channels of 3×3 stride-2 convolutions (each halves the image side) before the dense layers; null is the dense VAE.
    /// The decoder mirrors them with 3×3 stride-2 transposed convolutions.
    /// </summary>
    public int[]? ConvChannels { get; init; }

    /// <summary>Samples k of the importance-weighted NLL estimate reported after training (nll_iw_k).</summary>
    public int IwSamples { get; init; } = 50;

    /// <summary>Checks every field; <paramref name="source"/> names the spec in the message.</summary>
    public void Validate(string source)
    {
        if (!(double.IsFinite(Beta) && Beta >= 0))
            throw new BadInputException($"{source}: field 'vae.beta': expected a finite value ≥ 0, got {Beta}");
        if (ConvChannels is { } c && (c.Length == 0 || c.Any(n => n <= 0)))
            throw new BadInputException($"{source}: field 'vae.conv_channels': expected one or more positive channel counts, got [{string.Join(", ", c)}]");
        if (IwSamples is < 1 or > 10_000)
            throw new BadInputException($"{source}: field 'vae.iw_samples': expected a number of samples in [1, 10000], got {IwSamples}");
    }
}
