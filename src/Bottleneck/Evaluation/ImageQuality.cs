using System.Text.Json.Nodes;
using Bottleneck.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>
/// How close images are to their references, for data in [0, 1]: MSE as a mean per pixel over the whole set, PSNR in dB
/// from that MSE (as <see cref="ReconstructionMetrics"/> and <see cref="DenoisingMetrics"/> report it), and the mean
/// <see cref="StructuralSimilarity"/> over images; plus each image's own MSE and SSIM, for captions and per-file reports.
/// </summary>
internal sealed record ImageQuality(double Mse, double Psnr, double Ssim, float[] PerImageMse, float[] PerImageSsim)
{
    /// <summary>Number of images measured.</summary>
    public int Images => PerImageMse.Length;

    /// <summary>
    /// Measures <paramref name="candidate"/> against <paramref name="reference"/>, sample for sample; both hold images of
    /// the shape <paramref name="layout"/> describes (any of its layouts), in [0, 1].
    /// </summary>
    public static ImageQuality Measure(Dataset reference, Dataset candidate, ImageLayout layout, int batchSize = 500) =>
        Measure(reference, candidate, layout, batchSize, _ => { });

    /// <summary>
    /// <see cref="Measure(Dataset, Dataset, ImageLayout, int)"/>, calling <paramref name="measured"/> with the number of
    /// images measured so far after every batch (for progress reports).
    /// </summary>
    public static ImageQuality Measure(Dataset reference, Dataset candidate, ImageLayout layout, int batchSize, Action<int> measured)
    {
        if (reference.Count != candidate.Count || !reference.SampleShape.SequenceEqual(candidate.SampleShape))
            throw new ArgumentException($"cannot compare [{candidate.Count}, {string.Join(", ", candidate.SampleShape)}] with [{reference.Count}, {string.Join(", ", reference.SampleShape)}]");
        var perImageMse = new float[reference.Count];
        var perImageSsim = new float[reference.Count];
        double squaredSum = 0, ssimSum = 0;
        foreach (var (start, count) in Batches.Of(reference.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var x = layout.ToChannelsFirst(reference.Batch(start, count)).to_type(ScalarType.Float64);
            var y = layout.ToChannelsFirst(candidate.Batch(start, count)).to_type(ScalarType.Float64);
            var squared = (x - y).square().reshape(count, -1);
            squaredSum += squared.sum().item<double>();
            squared.mean([1]).to_type(ScalarType.Float32).data<float>().CopyTo(perImageMse, start);
            var ssim = StructuralSimilarity.PerImage(x, y);
            ssimSum += ssim.sum().item<double>();
            ssim.to_type(ScalarType.Float32).data<float>().CopyTo(perImageSsim, start);
            measured(start + count);
        }
        double mse = squaredSum / ((double)reference.Count * reference.SampleSize);
        return new ImageQuality(mse, ReconstructionMetrics.PsnrFromMse(mse), ssimSum / reference.Count, perImageMse, perImageSsim);
    }

    /// <summary>The set-level figures as metrics.json holds them: mse (mean per pixel), psnr_db, ssim.</summary>
    public JsonObject ToJson() => new()
    {
        ["mse"] = Mse,
        ["psnr_db"] = double.IsFinite(Psnr) ? Psnr : null,
        ["ssim"] = Ssim,
    };
}
