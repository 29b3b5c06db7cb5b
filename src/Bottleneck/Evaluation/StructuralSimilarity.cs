using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Evaluation;

/// <summary>
/// Structural similarity as Wang, Bovik, Sheikh and Simoncelli define it (IEEE Trans. Image Processing 13(4), 2004):
/// SSIM(x, y) = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)) over a Gaussian window (11×11, σ = 1.5),
/// C1 = (K1·L)², C2 = (K2·L)², K1 = 0.01, K2 = 0.03, L the data range (1 for images in [0, 1]). An image's SSIM is
/// the mean over every window position that lies wholly inside it, and over channels for colour images.
/// </summary>
/// <remarks>
/// The convention is scikit-image's <c>structural_similarity(gaussian_weights=True, sigma=1.5,
/// use_sample_covariance=False, data_range=1)</c>, which matches Wang et al.'s reference code: the window's moments are
/// Gaussian-weighted population moments (σx² = E_w[x²] − μx², no N/(N − 1) correction), and the SSIM map is averaged
/// over the valid positions only (skimage crops the 5-pixel border its padded filter produced). Wang's MATLAB code
/// also downsamples images larger than 256 pixels by round(min(H, W)/256) first; this class does not.
/// </remarks>
internal static class StructuralSimilarity
{
    /// <summary>Wang et al.'s stabilising constants: C1 = (K1·L)², C2 = (K2·L)².</summary>
    public const double K1 = 0.01, K2 = 0.03;

    /// <summary>Side of the Gaussian window, in pixels (skimage: 2·⌊3.5σ + 0.5⌋ + 1 = 11 for σ = 1.5).</summary>
    public const int WindowSize = 11;

    /// <summary>Standard deviation of the Gaussian window, in pixels.</summary>
    public const double WindowSigma = 1.5;

    /// <summary>
    /// The 1-D Gaussian weights w_i ∝ exp(−i²/(2σ²)), i = −(size−1)/2 … (size−1)/2, normalised to sum 1; the 2-D window
    /// is their outer product, as MATLAB's fspecial('gaussian', 11, 1.5) and scipy's gaussian_filter build it.
    /// </summary>
    public static Tensor GaussianWindow(int size = WindowSize, double sigma = WindowSigma)
    {
        if (size < 1 || size % 2 == 0) throw new ArgumentOutOfRangeException(nameof(size), size, "the window needs an odd size");
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "the window needs σ > 0");
        int half = size / 2;
        var weights = Enumerable.Range(-half, size).Select(i => Math.Exp(-(double)i * i / (2 * sigma * sigma))).ToArray();
        double sum = weights.Sum();
        return tensor(weights.Select(w => w / sum).ToArray(), ScalarType.Float64);
    }

    /// <summary>
    /// Each image's mean SSIM between <paramref name="x"/> and <paramref name="y"/>, both [B, C, H, W] with H and W at
    /// least the window size; returns [B] float64. The map is symmetric in x and y.
    /// </summary>
    public static Tensor PerImage(Tensor x, Tensor y, double dataRange = 1.0, int windowSize = WindowSize, double sigma = WindowSigma)
    {
        if (x.dim() != 4 || !x.shape.SequenceEqual(y.shape))
            throw new ArgumentException($"SSIM needs two [B, C, H, W] batches of one shape, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]");
        if (x.shape[2] < windowSize || x.shape[3] < windowSize)
            throw new ArgumentException($"SSIM's {windowSize}×{windowSize} window does not fit in a {x.shape[3]}×{x.shape[2]} image");
        if (!(dataRange > 0)) throw new ArgumentOutOfRangeException(nameof(dataRange), dataRange, "the data range must be positive");
        using var scope = NewDisposeScope();
        long batch = x.shape[0], channels = x.shape[1], height = x.shape[2], width = x.shape[3];
        // Float64: σ² = E[x²] − μ² cancels digits, and float32 would leave errors near 1e-6 in flat regions.
        var a = x.to_type(ScalarType.Float64).reshape(batch * channels, 1, height, width);
        var b = y.to_type(ScalarType.Float64).reshape(batch * channels, 1, height, width);
        // The five windowed moments in one pass: the 2-D Gaussian is separable, so a column then a row filter
        // (11 + 11 products per pixel instead of 121); no padding keeps the valid positions only.
        var w = GaussianWindow(windowSize, sigma);
        var stacked = cat([a, b, a * a, b * b, a * b], 0);
        var moments = F.conv2d(F.conv2d(stacked, w.reshape(1, 1, windowSize, 1)), w.reshape(1, 1, 1, windowSize))
            .reshape(5, batch * channels, height - windowSize + 1, width - windowSize + 1);
        var (muX, muY) = (moments[0], moments[1]);
        var varX = moments[2] - muX * muX;
        var varY = moments[3] - muY * muY;
        var covXY = moments[4] - muX * muY;
        double c1 = Math.Pow(K1 * dataRange, 2), c2 = Math.Pow(K2 * dataRange, 2);
        // SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))   (Wang et al. 2004, eq. 13)
        var map = (2 * muX * muY + c1) * (2 * covXY + c2) / ((muX * muX + muY * muY + c1) * (varX + varY + c2));
        return map.reshape(batch, -1).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>The mean over images of <see cref="PerImage"/>: one figure for a batch.</summary>
    public static double Mean(Tensor x, Tensor y, double dataRange = 1.0)
    {
        using var scope = NewDisposeScope();
        return PerImage(x, y, dataRange).mean().item<double>();
    }
}
