namespace Bottleneck.Tests.Evaluation;

/// <summary>
/// SSIM written out as Wang et al. (2004) state it, with plain float64 loops and no torch: at every position where the
/// 11×11 window fits, the Gaussian-weighted means, variances and covariance, then the SSIM formula; the image's SSIM is
/// the mean over positions and channels. The independent reference the library's conv2d version is checked against.
/// </summary>
public static class SsimOracle
{
    /// <summary>Mean SSIM of two images given as [channel, row, column] arrays in [0, 1] (data range 1).</summary>
    public static double Image(double[,,] x, double[,,] y, int size = 11, double sigma = 1.5)
    {
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        int channels = x.GetLength(0), height = x.GetLength(1), width = x.GetLength(2), half = size / 2;
        // The 2-D window directly: w(i, j) ∝ exp(−(i² + j²)/(2σ²)), normalised over the window.
        var w = new double[size, size];
        double total = 0;
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                total += w[i, j] = Math.Exp(-((i - half) * (i - half) + (j - half) * (j - half)) / (2 * sigma * sigma));
        double sum = 0;
        int positions = 0;
        for (int c = 0; c < channels; c++)
            for (int top = 0; top + size <= height; top++)
                for (int left = 0; left + size <= width; left++)
                {
                    double mx = 0, my = 0;
                    for (int i = 0; i < size; i++)
                        for (int j = 0; j < size; j++)
                        {
                            mx += w[i, j] / total * x[c, top + i, left + j];
                            my += w[i, j] / total * y[c, top + i, left + j];
                        }
                    double vx = 0, vy = 0, cxy = 0;
                    for (int i = 0; i < size; i++)
                        for (int j = 0; j < size; j++)
                        {
                            double dx = x[c, top + i, left + j] - mx, dy = y[c, top + i, left + j] - my, k = w[i, j] / total;
                            vx += k * dx * dx;
                            vy += k * dy * dy;
                            cxy += k * dx * dy;
                        }
                    sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    positions++;
                }
        return sum / positions;
    }

    /// <summary>Image <paramref name="n"/> of a row-major [B, C, H, W] float array as [C, H, W].</summary>
    public static double[,,] Slice(float[] batch, int n, int channels, int height, int width)
    {
        var image = new double[channels, height, width];
        int offset = n * channels * height * width;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < height; i++)
                for (int j = 0; j < width; j++)
                    image[c, i, j] = batch[offset + (c * height + i) * width + j];
        return image;
    }
}
