namespace Bottleneck.Models.Vq;

/// <summary>
/// Options of the vector-quantised family (chapter §13.3, which leaves all of them open; the defaults are argued in
/// docs/vae.md). The spec's <c>bottleneck</c> is the dimension D of each code vector.
/// </summary>
internal sealed record VqSpec
{
    /// <summary>K, the number of code vectors in the codebook.</summary>
    public int CodebookSize { get; init; } = 64;

    /// <summary>β of the commitment term β‖z_e − sg[e]‖² (van den Oord et al. 2017 use 0.25).</summary>
    public double Commitment { get; init; } = 0.25;

    /// <summary>Channels of the 3×3 stride-2 convolutions of the encoder (each halves the image side); the decoder mirrors them.</summary>
    public int[] ConvChannels { get; init; } = [32, 64];

    /// <summary>
    /// Every this many training batches, codes that no encoder output chose in those batches are moved onto random
    /// encoder outputs of the current batch; 0 turns revival off.
    /// </summary>
    public int ReviveEvery { get; init; } = 100;

    /// <summary>Checks every field; <paramref name="source"/> names the spec in the message.</summary>
    public void Validate(string source)
    {
        if (CodebookSize is < 2 or > 65_536)
            throw new BadInputException($"{source}: field 'vq.codebook_size': expected a codebook of 2 to 65536 codes, got {CodebookSize}");
        if (!(double.IsFinite(Commitment) && Commitment >= 0))
            throw new BadInputException($"{source}: field 'vq.commitment': expected a finite value ≥ 0, got {Commitment}");
        if (ConvChannels is null || ConvChannels.Length == 0 || ConvChannels.Any(n => n <= 0))
            throw new BadInputException($"{source}: field 'vq.conv_channels': expected one or more positive channel counts, got [{string.Join(", ", ConvChannels ?? [])}]");
        if (ReviveEvery < 0)
            throw new BadInputException($"{source}: field 'vq.revive_every': expected a number of batches ≥ 0 (0 turns revival off), got {ReviveEvery}");
    }
}
