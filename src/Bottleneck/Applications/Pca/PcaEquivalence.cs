using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models.Dense;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// One configuration of the equivalence experiment: which of the chapter's four conditions (§5.3: linear encoder,
/// linear decoder, MSE loss, mean-centred data) it keeps, and whether the layers have biases.
/// </summary>
/// <param name="Name">Short name for tables and files.</param>
/// <param name="Description">What differs from the chapter's conditions.</param>
/// <param name="Centred">Train on x − μ (μ = the training mean) instead of x.</param>
/// <param name="Biases">Give encoder and decoder free biases b_e, b_d.</param>
/// <param name="ReluCode">h = ReLU(W_e x + b_e) instead of a linear code.</param>
/// <param name="SigmoidBce">x̂ = sigmoid(W_d h + b_d) trained with BCE instead of a linear output with MSE (needs data in [0, 1], so uncentred).</param>
internal sealed record EquivalenceVariant(string Name, string Description, bool Centred, bool Biases, bool ReluCode, bool SigmoidBce)
{
    /// <summary>The chapter's four conditions, and one at a time what breaks them (GUIDE §4.1).</summary>
    public static IReadOnlyList<EquivalenceVariant> All { get; } =
    [
        new("linear", "linear encoder and decoder, MSE, centred data (the chapter's four conditions)", Centred: true, Biases: true, ReluCode: false, SigmoidBce: false),
        new("uncentred", "as linear, on uncentred data: the free decoder bias can absorb the mean", Centred: false, Biases: true, ReluCode: false, SigmoidBce: false),
        new("no-bias", "as linear, on uncentred data with no biases (the theorem's bias-free form without centring)", Centred: false, Biases: false, ReluCode: false, SigmoidBce: false),
        new("relu", "ReLU on the code, linear output, MSE, centred data", Centred: true, Biases: true, ReluCode: true, SigmoidBce: false),
        new("sigmoid-bce", "linear code, sigmoid output trained with BCE, data in [0, 1] (uncentred), biases", Centred: false, Biases: true, ReluCode: false, SigmoidBce: true),
    ];

    /// <summary>The variant named <paramref name="name"/>; an unknown name is a usage error.</summary>
    public static EquivalenceVariant Get(string name) => All.FirstOrDefault(v => v.Name == name)
        ?? throw new OptionException("variants", $"unknown variant '{name}' (expected {string.Join(", ", All.Select(v => v.Name))})");
}

/// <summary>Measurements after one epoch of one variant.</summary>
/// <param name="TrainMse">Reconstruction MSE per element on the training data (in pixel space, whatever the variant trains on).</param>
/// <param name="EncoderSupportOverlap">The encoder's row space projected onto the span of the training data first: the
/// part of W_e that can affect a code (data with zero variance along a direction never feeds it; see <see cref="PcaEquivalence.DataSpan"/>).</param>
internal sealed record EquivalenceEpoch(int Epoch, double Loss, double DecoderOverlap, double EncoderOverlap, double EncoderSupportOverlap, double TrainMse);

/// <summary>What one variant ended at, against PCA with the same k on the same training data.</summary>
/// <param name="Decoder">The decoder's column space (span of W_d's columns) against PCA's top-k subspace.</param>
/// <param name="Encoder">The encoder's row space (span of W_e's rows) against PCA's top-k subspace.</param>
/// <param name="EncoderOnSupport">The same after projecting W_e's rows onto the span of the training data.</param>
/// <param name="PcaTrainMse">PCA's training MSE per element: the optimum of the linear autoencoder's objective.</param>
/// <param name="DecoderBiasNorm">‖b_d‖ in the trained model (null without biases); on centred data it should shrink towards 0.</param>
internal sealed record EquivalenceResult(EquivalenceVariant Variant, IReadOnlyList<EquivalenceEpoch> Epochs,
    SubspaceComparison Decoder, SubspaceComparison Encoder, SubspaceComparison EncoderOnSupport, double TrainMse, double? TestMse,
    double PcaTrainMse, double? PcaTestMse, double? DecoderBiasNorm, double Seconds)
{
    /// <summary>The autoencoder's training MSE over PCA's optimum: ≥ 1 for any rank-k linear reconstruction of the training data.</summary>
    public double TrainMseRatio => TrainMse / PcaTrainMse;

    /// <summary>The same ratio on held-out data.</summary>
    public double? TestMseRatio => TestMse / PcaTestMse;

    /// <summary>The first epoch whose decoder overlap reached <paramref name="level"/>, or null.</summary>
    public int? FirstEpochWithOverlap(double level) => Epochs.FirstOrDefault(e => e.DecoderOverlap >= level)?.Epoch;

    /// <summary>The first epoch whose training MSE came within <paramref name="ratio"/> of PCA's optimum, or null.</summary>
    public int? FirstEpochWithinMse(double ratio) => Epochs.FirstOrDefault(e => e.TrainMse <= ratio * PcaTrainMse)?.Epoch;
}

/// <summary>
/// The equivalence experiment of chapter §5.3 (GUIDE §4.1): train a single-layer autoencoder d → k → d under the
/// chapter's conditions and with one condition broken at a time, and measure how close its subspaces and its error come
/// to PCA's top-k subspace and PCA's optimal error.
/// </summary>
internal static class PcaEquivalence
{
    /// <summary>
    /// Trains <paramref name="variant"/> on <paramref name="train"/> and measures it after every epoch against
    /// <paramref name="pca"/> (fitted on the same training data). <paramref name="centredTrain"/> and
    /// <paramref name="centredTest"/> are the same data minus PCA's mean (see <see cref="Centred"/>).
    /// </summary>
    /// <param name="dataSpan">An orthonormal basis [d, r] of the span of the centred training data (<see cref="DataSpan"/>).</param>
    public static EquivalenceResult Run(EquivalenceVariant variant, PrincipalComponents pca, Tensor dataSpan, Dataset train, Dataset? test,
        Dataset centredTrain, Dataset? centredTest, TrainingOptions options, Action<EquivalenceEpoch>? progress = null,
        CancellationToken cancel = default)
    {
        var fitData = variant.Centred ? centredTrain : train;
        var testData = variant.Centred ? centredTest : test;
        random.manual_seed(options.Seed);
        using var model = new SingleLayerAutoencoder(pca.Dimension, pca.ComponentCount, variant.Biases, variant.ReluCode, variant.SigmoidBce);
        using var principal = pca.Components;            // [k, d]
        var pcaBasis = principal.T;                      // [d, k]
        var epochs = new List<EquivalenceEpoch>();
        var clock = Stopwatch.StartNew();
        var trainOptions = options with
        {
            Loss = new ReconstructionLoss(variant.SigmoidBce ? LossKind.Bce : LossKind.Mse),
            EarlyStopping = null,
            ReduceLr = null,
        };
        var measuring = new EpochMeasure(record =>
        {
            var (decoder, encoder, onSupport) = Subspaces(model, pcaBasis, dataSpan);
            var measured = new EquivalenceEpoch(record.Epoch, record.Loss, decoder.Overlap, encoder.Overlap, onSupport.Overlap,
                ReconstructionMetrics.Evaluate(model, fitData).Mse);
            epochs.Add(measured);
            progress?.Invoke(measured);
        });
        new Trainer().Fit(model, fitData, null, trainOptions, cancel: cancel, callbacks: [measuring]);
        var seconds = clock.Elapsed.TotalSeconds;

        var (finalDecoder, finalEncoder, finalOnSupport) = Subspaces(model, pcaBasis, dataSpan);
        double trainMse = epochs.Count > 0 ? epochs[^1].TrainMse : ReconstructionMetrics.Evaluate(model, fitData).Mse;
        double? testMse = testData is null ? null : ReconstructionMetrics.Evaluate(model, testData).Mse;
        double? biasNorm = null;
        if (model.DecoderBias is { } bias)
            using (no_grad()) biasNorm = bias.norm().to_type(ScalarType.Float64).item<double>();
        pcaBasis.Dispose();
        return new EquivalenceResult(variant, epochs, finalDecoder, finalEncoder, finalOnSupport, trainMse, testMse,
            pca.TrainingMse, test is null ? null : pca.Mse(test), biasNorm, seconds);
    }

    /// <summary>The decoder's column space, the encoder's row space, and that row space within the data's span, each compared with PCA's basis [d, k].</summary>
    static (SubspaceComparison Decoder, SubspaceComparison Encoder, SubspaceComparison EncoderOnSupport) Subspaces(
        SingleLayerAutoencoder model, Tensor pcaBasis, Tensor dataSpan)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rows = model.EncoderWeight.detach().T.to_type(ScalarType.Float64);                 // [d, k]
        var projected = dataSpan.matmul(dataSpan.T.matmul(rows));                              // S Sᵀ W_eᵀ
        return (SubspaceComparison.Compare(model.DecoderWeight.detach(), pcaBasis),
                SubspaceComparison.Compare(rows, pcaBasis),
                SubspaceComparison.Compare(projected, pcaBasis));
    }

    /// <summary>
    /// An orthonormal basis [d, r] of the span of the centred training data: the principal directions whose variance is
    /// above 1e-10 of the largest. Along the others (MNIST's always-black border pixels, say) no sample has any
    /// variance, so the loss has no gradient there and the encoder keeps whatever its initialisation put in them:
    /// W_e's row space can only match PCA's within this span.
    /// </summary>
    public static Tensor DataSpan(Dataset train, PrincipalComponents pca)
    {
        double largest = pca.Spectrum[0];
        int rank = Math.Max(pca.ComponentCount, pca.Spectrum.Count(v => v > 1e-10 * largest));
        using var full = PrincipalComponents.FitCovariance(train, rank);
        using var components = full.Components;
        return components.T.contiguous().DetachFromDisposeScope();
    }

    /// <summary>
    /// <paramref name="data"/> minus <paramref name="mean"/> (the training mean, [d]) as a float32 dataset with the same
    /// sample shape and labels: x̃ = x − (1/m)Σ x_j, the chapter's centring (§5.3). It holds 4 bytes a value.
    /// </summary>
    public static Dataset Centred(Dataset data, Tensor mean, int batchSize = 5000)
    {
        var storage = empty([data.Count, .. data.SampleShape], dtype: ScalarType.Float32);
        storage.DetachFromDisposeScope();
        using (var scope = NewDisposeScope())
        {
            var flat = storage.view(data.Count, -1);
            var shift = mean.to_type(ScalarType.Float32);
            for (int start = 0; start < data.Count; start += batchSize)
            {
                using var batchScope = NewDisposeScope();
                int n = Math.Min(batchSize, data.Count - start);
                flat.narrow(0, start, n).copy_(data.Batch(start, n).reshape(n, -1) - shift);
            }
        }
        return new Dataset(data.Name + " (centred)", storage, data.Labels, data.ClassNames);
    }

    /// <summary>Measures the model after each completed epoch.</summary>
    sealed class EpochMeasure(Action<EpochRecord> measure) : ITrainingCallback
    {
        public void EpochEnded(Autoencoder model, IReadOnlyList<EpochRecord> epochs, optim.Optimizer optimizer) => measure(epochs[^1]);
    }
}
