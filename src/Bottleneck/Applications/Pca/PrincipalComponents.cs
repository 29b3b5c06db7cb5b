using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Pca;

/// <summary>How a <see cref="PrincipalComponents"/> was fitted.</summary>
internal enum PcaMethod
{
    /// <summary>SVD of the whole centred data matrix held in memory (sklearn's svd_solver="full").</summary>
    Svd,

    /// <summary>
    /// One streaming pass that accumulates the mean and the d×d covariance, then its eigendecomposition: exact too, and
    /// only d² numbers in memory whatever the number of samples (sklearn's svd_solver="covariance_eigh").
    /// </summary>
    Covariance,
}

/// <summary>
/// Principal component analysis as sklearn's PCA does it (chapter §5, §8.1): centre on the training mean, keep the top-k
/// directions of the covariance. Codes are z = (x − μ)Vᵀ and reconstructions x̂ = zV + μ (§5.1), computed in
/// float64. It is the linear autoencoder whose optimum the chapter's §5.3 describes, and can be saved as one.
/// </summary>
internal sealed class PrincipalComponents : IDisposable
{
    readonly Tensor mean, components;   // float64: μ [d], V [k, d] with orthonormal rows (sklearn's components_)

    PrincipalComponents(Tensor mean, Tensor components, double[] spectrum, long samples, long[] sampleShape, PcaMethod method)
    {
        this.mean = mean.DetachFromDisposeScope();
        this.components = components.DetachFromDisposeScope();
        Spectrum = spectrum;
        Samples = samples;
        SampleShape = sampleShape;
        Method = method;
    }

    /// <summary>Number of principal components kept, k.</summary>
    public int ComponentCount => (int)components.shape[0];

    /// <summary>Number of values in one sample, d.</summary>
    public int Dimension => (int)components.shape[1];

    /// <summary>Shape of one sample of the data it was fitted on ([28, 28] for MNIST).</summary>
    public long[] SampleShape { get; }

    /// <summary>Number of training samples it was fitted on.</summary>
    public long Samples { get; }

    /// <summary>How it was fitted.</summary>
    public PcaMethod Method { get; }

    /// <summary>Every variance along the principal axes, largest first (eigenvalues of the covariance, ddof = 1), not only the k kept.</summary>
    public IReadOnlyList<double> Spectrum { get; }

    /// <summary>Total variance of the data: the trace of the covariance.</summary>
    public double TotalVariance => Spectrum.Sum();

    /// <summary>Variance along each kept component, λ_1 ≥ … ≥ λ_k (sklearn's explained_variance_).</summary>
    public double[] ExplainedVariance => Spectrum.Take(ComponentCount).ToArray();

    /// <summary>λ_i / Σλ for each kept component (sklearn's explained_variance_ratio_).</summary>
    public double[] ExplainedVarianceRatio => ExplainedVariance.Select(v => v / TotalVariance).ToArray();

    /// <summary>The fraction of the total variance the k components keep.</summary>
    public double ExplainedVarianceRatioTotal => ExplainedVariance.Sum() / TotalVariance;

    /// <summary>
    /// Mean squared error per element on the training data itself: the discarded variance Σ_{i>k} λ_i·(n−1)/(n·d). No
    /// rank-k linear map reconstructs the training data better (Eckart-Young), so this is the optimum §5.3 compares with.
    /// </summary>
    public double TrainingMse => Spectrum.Skip(ComponentCount).Sum() * (Samples - 1) / ((double)Samples * Dimension);

    /// <summary>The mean μ, [d] float64 (a copy).</summary>
    public Tensor Mean => mean.clone();

    /// <summary>The principal directions as rows, [k, d] float64 (a copy), signed so each row's largest |entry| is positive.</summary>
    public Tensor Components => components.clone();

    /// <summary>z = (x − μ)Vᵀ for a batch [B, ...] of any float dtype; returns float32 [B, k].</summary>
    public Tensor Encode(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var x = Flatten(batch);
        return (x - mean).matmul(components.T).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>x̂ = zV + μ for codes [B, k]; returns float32 [B, d].</summary>
    public Tensor Decode(Tensor codes)
    {
        if (codes.dim() != 2 || codes.shape[1] != ComponentCount)
            throw new BadInputException($"PCA: codes have shape [{string.Join(", ", codes.shape)}], expected [N, {ComponentCount}]");
        using var scope = NewDisposeScope();
        return codes.to_type(ScalarType.Float64).matmul(components).add(mean).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The projection onto the principal subspace, x̂ = (x − μ)VᵀV + μ, float32 [B, d].</summary>
    public Tensor Reconstruct(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var centred = Flatten(batch) - mean;
        return centred.matmul(components.T).matmul(components).add(mean).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean squared reconstruction error per element over <paramref name="data"/>, computed in float64;
    /// <paramref name="done"/> hears how many samples are measured after each batch.
    /// </summary>
    public double Mse(Dataset data, int batchSize = 2000, Action<int>? done = null)
    {
        if (data.SampleSize != Dimension)
            throw new BadInputException($"{data.Name}: samples have {data.SampleSize} values, but the PCA was fitted on samples of {Dimension}");
        double sum = 0;
        foreach (var (start, n) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var centred = Flatten(data.Batch(start, n)) - mean;
            var residual = centred - centred.matmul(components.T).matmul(components);
            sum += residual.square().sum().item<double>();
            done?.Invoke(start + n);
        }
        return sum / ((double)data.Count * Dimension);
    }

    /// <summary>Fits by SVD of the whole centred training matrix (float64, so it needs n·d·8 bytes and as much again for the SVD).</summary>
    public static PrincipalComponents FitSvd(Dataset data, int components)
    {
        CheckComponents(components, data.Count, data.SampleSize);
        using var scope = NewDisposeScope();
        var x = Flatten(data.Batch(0, data.Count));
        var mean = x.mean([0]);
        x.sub_(mean);
        // X − μ = U S Vᵀ; the rows of Vᵀ are the principal directions and S²/(n−1) the variances along them.
        var (_, s, vh) = linalg.svd(x, fullMatrices: false);
        var spectrum = (s.square() / (data.Count - 1)).data<double>().ToArray();
        var top = SignFlipped(vh.narrow(0, 0, components));
        return new PrincipalComponents(mean.MoveToOuterDisposeScope(), top.MoveToOuterDisposeScope(), spectrum, data.Count, data.SampleShape, PcaMethod.Svd);
    }

    /// <summary>
    /// Fits in one streaming pass over <paramref name="data"/> in batches (see <see cref="PcaMethod.Covariance"/>);
    /// <paramref name="done"/> hears how many samples are added after each batch.
    /// </summary>
    public static PrincipalComponents FitCovariance(Dataset data, int components, int batchSize = 5000, Action<int>? done = null)
    {
        CheckComponents(components, data.Count, data.SampleSize);
        using var accumulator = new CovarianceAccumulator(data.SampleSize);
        foreach (var (start, count) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            accumulator.Add(data.Batch(start, count));
            done?.Invoke(start + count);
        }
        return FromCovariance(accumulator, components, data.SampleShape);
    }

    /// <summary>The PCA of everything added to <paramref name="accumulator"/>: the top-k eigenvectors of its covariance.</summary>
    public static PrincipalComponents FromCovariance(CovarianceAccumulator accumulator, int components, long[] sampleShape)
    {
        CheckComponents(components, accumulator.Count, accumulator.Dimension);
        using var scope = NewDisposeScope();
        // C = V Λ Vᵀ (eigh returns ascending eigenvalues; PCA wants them descending). Rounding can leave the smallest
        // eigenvalues a hair below zero, and a variance cannot be negative.
        var (values, vectors) = linalg.eigh(accumulator.Covariance, 'L');
        var order = values.argsort(descending: true);
        var spectrum = values.index_select(0, order).clamp_min(0).data<double>().ToArray();
        var top = SignFlipped(vectors.index_select(1, order.narrow(0, 0, components)).T.contiguous());
        return new PrincipalComponents(accumulator.Mean.MoveToOuterDisposeScope(), top.MoveToOuterDisposeScope(), spectrum, accumulator.Count, sampleShape, PcaMethod.Covariance);
    }

    /// <summary>Fits with <paramref name="method"/>.</summary>
    public static PrincipalComponents Fit(Dataset data, int components, PcaMethod method) =>
        method == PcaMethod.Svd ? FitSvd(data, components) : FitCovariance(data, components);

    /// <summary>A PCA from its parts (used when loading): μ [d], V [k, d] and the full spectrum.</summary>
    internal static PrincipalComponents FromParts(Tensor mean, Tensor components, double[] spectrum, long samples, long[] sampleShape, PcaMethod method) =>
        new(mean, components, spectrum, samples, sampleShape, method);

    /// <summary>
    /// The PCA as a model of the toolkit: a dense autoencoder with no hidden layers and linear code and output, encoder
    /// weight V and bias −Vμ, decoder weight Vᵀ and bias μ, so every command that takes a model can use it.
    /// </summary>
    public DenseAutoencoder ToAutoencoder(string? name = null)
    {
        var spec = new ModelSpec
        {
            Name = name ?? $"pca-{ComponentCount}",
            InputShape = SampleShape.Select(d => (int)d).ToArray(),
            Encoder = [],
            Bottleneck = ComponentCount,
            Activation = "linear",
            BottleneckActivation = "linear",
            OutputActivation = "linear",
        };
        var model = new DenseAutoencoder(spec);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var state = model.state_dict();
        state["encoder.0.weight"].copy_(components.to_type(ScalarType.Float32));
        state["encoder.0.bias"].copy_((-components.matmul(mean)).to_type(ScalarType.Float32));
        state["decoder.0.weight"].copy_(components.T.to_type(ScalarType.Float32));
        state["decoder.0.bias"].copy_(mean.to_type(ScalarType.Float32));
        model.eval();
        return model;
    }

    /// <summary>Refuses a number of components outside 1 .. min(n, d), as sklearn does.</summary>
    public static void CheckComponents(int components, long samples, long dimension)
    {
        long most = Math.Min(samples, dimension);
        if (samples < 2) throw new BadInputException($"PCA: needs at least 2 samples, got {samples}");
        if (components < 1 || components > most)
            throw new OptionException("components", $"expected 1 to {most} (min of {samples} samples and {dimension} values a sample), got {components}");
    }

    static Tensor Flatten(Tensor batch) => batch.reshape(batch.shape[0], -1).to_type(ScalarType.Float64);

    /// <summary>
    /// Each row multiplied by ±1 so that its entry of largest magnitude is positive (sklearn's svd_flip with
    /// u_based_decision=False): eigenvectors are only defined up to sign, and this makes fits comparable and repeatable.
    /// </summary>
    static Tensor SignFlipped(Tensor rows)
    {
        var largest = rows.abs().argmax(1, keepdim: true);
        var signs = rows.gather(1, largest).sign();
        return (rows * signs).contiguous();
    }

    public void Dispose()
    {
        mean.Dispose();
        components.Dispose();
    }
}
