using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>
/// How much a model cleans corrupted input (§10.4): the MSE of the noisy input against the clean data, the
/// MSE of the model's output from that noisy input against the clean data, the improvement between them, and both as
/// PSNR. MSEs are means per element (per pixel); PSNR is in dB for data in [0, 1].
/// </summary>
internal sealed record DenoisingMetrics(double MseNoisy, double MseDenoised, int Samples)
{
    /// <summary>improvement % = 100·(mse_noisy − mse_denoised)/mse_noisy (§10.4); negative when the model makes it worse.</summary>
    public double ImprovementPercent => 100 * (MseNoisy - MseDenoised) / MseNoisy;

    /// <summary>PSNR of the noisy input against the clean data, in dB.</summary>
    public double PsnrNoisy => ReconstructionMetrics.PsnrFromMse(MseNoisy);

    /// <summary>PSNR of the denoised output against the clean data, in dB.</summary>
    public double PsnrDenoised => ReconstructionMetrics.PsnrFromMse(MseDenoised);

    /// <summary>Measures <paramref name="model"/> on <paramref name="pairs"/>: clean samples paired with their noisy copies (<see cref="Dataset.Inputs"/>).</summary>
    public static DenoisingMetrics Measure(Autoencoder model, Dataset pairs, int batchSize = 1000)
    {
        var noisyData = pairs.Inputs ?? throw new ArgumentException("the data has no noisy inputs paired with it (Dataset.WithInputs)", nameof(pairs));
        model.eval();
        using var noGrad = no_grad();
        double noisySum = 0, denoisedSum = 0;
        foreach (var (start, count) in Batches.Of(pairs.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var clean = pairs.Batch(start, count).reshape(count, -1);
            var noisy = noisyData.Batch(start, count).reshape(count, -1);
            var denoised = model.Reconstruct(noisy).reshape(count, -1);
            // mse_noisy = mean((x − x̃)²), mse_denoised = mean((x − g(f(x̃)))²)
            noisySum += (noisy - clean).square().sum().to_type(ScalarType.Float64).item<double>();
            denoisedSum += (denoised - clean).square().sum().to_type(ScalarType.Float64).item<double>();
        }
        double elements = (double)pairs.Count * pairs.SampleSize;
        return new DenoisingMetrics(noisySum / elements, denoisedSum / elements, pairs.Count);
    }

    /// <summary>The figures as metrics.json holds them, under "denoising", with the corruption that made the noisy input.</summary>
    /// <param name="fixedNoise">For a training run: true when its training data was corrupted once, up front, rather than every batch afresh.</param>
    public DenoisingSummary Summary(string corruption, bool? fixedNoise = null) => new()
    {
        Corruption = corruption,
        MseNoisy = MseNoisy,
        MseDenoised = MseDenoised,
        ImprovementPercent = ImprovementPercent,
        PsnrNoisy = PsnrNoisy,
        PsnrDenoised = PsnrDenoised,
        Samples = Samples,
        FixedNoise = fixedNoise,
    };
}

/// <summary>metrics.json's "denoising" object: <see cref="DenoisingMetrics"/> with the corruption and how it was applied.</summary>
internal sealed record DenoisingSummary
{
    /// <summary>The corruption that made the noisy input ("gaussian:0.5").</summary>
    public required string Corruption { get; init; }

    /// <summary>MSE of the noisy input against the clean data, mean per element.</summary>
    public required double MseNoisy { get; init; }

    /// <summary>MSE of the model's output from the noisy input against the clean data, mean per element.</summary>
    public required double MseDenoised { get; init; }

    /// <summary>100·(mse_noisy − mse_denoised)/mse_noisy.</summary>
    public required double ImprovementPercent { get; init; }

    /// <summary>PSNR of the noisy input, in dB.</summary>
    public required double PsnrNoisy { get; init; }

    /// <summary>PSNR of the denoised output, in dB.</summary>
    public required double PsnrDenoised { get; init; }

    /// <summary>Samples measured.</summary>
    public required int Samples { get; init; }

    /// <summary>For a training run: true when its training data was corrupted once, up front (or the corruption has no randomness).</summary>
    public bool? FixedNoise { get; init; }

    /// <summary>The run folder's figure of clean, corrupted and denoised images, when one was drawn.</summary>
    public string? Figure { get; init; }
}
