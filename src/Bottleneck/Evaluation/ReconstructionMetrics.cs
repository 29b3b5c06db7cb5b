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
        double softplusSum = 0;
        var sums = new ReconstructionSums();
        var perSample = new float[data.Count];
        int width = checked((int)data.SampleSize);
        // One tensor holds every batch's targets (and one its inputs, when they are paired), filled in place: a tensor
        // the size of a batch allocated and freed for each batch can cost more than the arithmetic on it (fresh pages
        // from the system every time). Memory is a few batches and the per-sample errors, whatever the data's size.
        int rows = Math.Max(1, Math.Min(batchSize, data.Count));
        using var targets = empty([rows, .. data.SampleShape], ScalarType.Float32);
        using var inputs = data.Inputs is { } paired ? empty([rows, .. paired.SampleShape], ScalarType.Float32) : null;
        // e^−|z| for BCE from logits, in a scratch tensor of the batch's size (its own tensors would be three a batch).
        bool logits = model.Output.Kind == ActivationKind.Sigmoid;
        using var scratch = logits ? empty([rows, width], ScalarType.Float32) : null;
        foreach (var (start, count) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = targets.narrow(0, 0, count);
            data.CopyBatch(start, count, batch);
            var clean = batch.reshape(count, -1);
            Tensor input;
            if (inputs is not null)
            {
                input = inputs.narrow(0, 0, count);
                data.Inputs!.CopyBatch(start, count, input);
            }
            else input = corrupt is null ? clean : corrupt(clean);
            var pre = model.DecodePreActivation(model.Encode(input)).reshape(count, -1).contiguous();
            if (logits)
            {
                // BCE = max(z, 0) − z·x + log(1 + e^−|z|) per value (training's stable form from logits). libtorch
                // computes e = e^−|z| in the scratch tensor; one pass then takes x̂ = σ(z) from z and e, the linear
                // part, |x̂ − x|, (x̂ − x)² and each sample's mean of it (§12.6); libtorch's log1p of e gives the rest.
                var e = scratch!.narrow(0, 0, count);
                ReconstructionSums.NegativeAbsolute(Values(pre), Values(e));
                e.exp_();
                sums.AddLogits(Values(pre), Values(e), Values(clean), count, width, perSample.AsSpan(start, count));
                softplusSum += e.log1p_().sum().to_type(ScalarType.Float64).item<double>();
            }
            else
            {
                // x̂ overwrites the pre-activation; then one pass takes BCE (of x̂ clipped to [ε, 1 − ε]) and the rest.
                var reconstruction = model.Output.ApplyInPlace(pre).contiguous();
                sums.Add(Values(reconstruction), Values(clean), count, width, perSample.AsSpan(start, count));
            }
        }
        double elements = (double)data.Count * data.SampleSize;
        double mse = sums.Squared / elements;
        bool inUnitRange = data.Count == 0 || (sums.Low >= 0 && sums.High <= 1);
        return new ReconstructionMetrics((logits ? sums.Linear + softplusSum : sums.Bce) / elements, mse, sums.Absolute / elements, PsnrFromMse(mse), data.Count, perSample) { InUnitRange = inUnitRange };
    }

    // The values of a contiguous float32 tensor, read and written where libtorch keeps them.
    static Span<float> Values(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}
