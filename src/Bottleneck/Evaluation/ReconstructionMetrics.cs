using System.Runtime.InteropServices;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>
/// How well a model reconstructs a dataset, as means per element (per pixel) the way Keras reports losses:
/// BCE, MSE and MAE, PSNR in dB for data in [0, 1], and each sample's own MSE (for histograms and worst-N grids).
/// </summary>
internal sealed record ReconstructionMetrics(double Bce, double Mse, double Mae, double Psnr, int Samples, float[] PerSampleMse)
{
    /// <summary>PSNR = 10·log10(MAX² / MSE) with MAX = 1 for data scaled to [0, 1].</summary>
    public static double PsnrFromMse(double mse, double max = 1.0) => mse > 0 ? 10 * Math.Log10(max * max / mse) : double.PositiveInfinity;

    /// <summary>
    /// True when every target value lay in [0, 1]. Only then are <see cref="Bce"/> (a cross-entropy of probabilities,
    /// negative or huge otherwise) and <see cref="Psnr"/> (peak 1) figures at all; reports leave them out otherwise.
    /// </summary>
    public bool InUnitRange { get; init; } = true;

    /// <summary>
    /// Runs the model over <paramref name="data"/> in inference mode and measures the reconstructions. When the data is
    /// paired with inputs (<see cref="Dataset.Inputs"/>) or <paramref name="corrupt"/> is given, the model sees the
    /// corrupted input and is scored against the clean data (denoising); the pairing wins.
    /// </summary>
    public static ReconstructionMetrics Evaluate(Autoencoder model, Dataset data, Func<Tensor, Tensor>? corrupt = null, int batchSize = 1000)
    {
        model.eval();
        using var noGrad = no_grad();
        var bce = new ReconstructionLoss(LossKind.Bce);
        double bceSum = 0, mseSum = 0, maeSum = 0;
        bool inUnitRange = true;
        var perSample = new float[data.Count];
        // One tensor holds every batch's targets, filled in place: a tensor the size of a batch allocated and freed for
        // each batch can cost more than the arithmetic on it (fresh pages from the system every time).
        int rows = Math.Max(1, Math.Min(batchSize, data.Count));
        using var targets = empty([rows, .. data.SampleShape], ScalarType.Float32);
        // BCE from logits, summed in a scratch tensor of the same size (its own tensors would be three of them a batch).
        bool logits = model.Output.Kind == ActivationKind.Sigmoid;
        using var scratch = logits ? empty([rows, data.SampleSize], ScalarType.Float32) : null;
        foreach (var (start, count) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = targets.narrow(0, 0, count);
            data.CopyBatch(start, count, batch);
            var clean = batch.reshape(count, -1);
            var input = data.Inputs?.Batch(start, count) ?? (corrupt is null ? clean : corrupt(clean));
            var pre = model.DecodePreActivation(model.Encode(input)).reshape(count, -1);
            var (low, high) = clean.aminmax();
            inUnitRange &= low.item<float>() >= 0 && high.item<float>() <= 1;
            bceSum += logits ? ReconstructionLoss.BceFromLogitsSum(pre, clean, scratch!.narrow(0, 0, count))
                : bce.Elementwise(pre, model.Output, clean).sum().to_type(ScalarType.Float64).item<double>();
            // From here on the pre-activation is overwritten in place, step by step: x̂, |x̂ − x|, (x̂ − x)².
            var error = model.Output.ApplyInPlace(pre).sub_(clean).abs_();
            maeSum += error.sum().to_type(ScalarType.Float64).item<double>();
            var squared = error.mul_(error);
            mseSum += squared.sum().to_type(ScalarType.Float64).item<double>();
            MemoryMarshal.Cast<byte, float>(squared.mean([1]).bytes).CopyTo(perSample.AsSpan(start, count));
        }
        double elements = (double)data.Count * data.SampleSize;
        double mse = mseSum / elements;
        return new ReconstructionMetrics(bceSum / elements, mse, maeSum / elements, PsnrFromMse(mse), data.Count, perSample) { InUnitRange = inUnitRange };
    }
}
