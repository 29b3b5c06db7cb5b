using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Reporting;

/// <summary>
/// Where a latent-manifold grid decodes: two code dimensions, the n values each walks through, and the value every
/// other dimension holds. The values sit at the quantiles u = 0.05 .. 0.95 of a distribution (a VAE's prior, or the
/// codes of real data), so equal steps of the grid hold equal probability mass along each axis.
/// </summary>
/// <param name="First">The dimension that grows to the right.</param>
/// <param name="Second">The dimension that grows upwards.</param>
/// <param name="FirstValues">Its n values, left to right.</param>
/// <param name="SecondValues">Its n values, bottom to top.</param>
/// <param name="Base">The whole code, [k]: the value of every dimension that is not walked.</param>
/// <param name="Source">What the quantiles are of: "the prior N(0, I)" or "the codes of mnist/train".</param>
internal sealed record ManifoldAxes(int First, int Second, double[] FirstValues, double[] SecondValues, float[] Base, string Source)
{
    /// <summary>The quantile levels u_i, evenly spaced in [0.05, 0.95]: the tails beyond are left out.</summary>
    public static double[] Levels(int n)
    {
        if (n < 2 || n > 100) throw new OptionException("grid", $"expected 2 to 100 images a side, got {n}");
        return Enumerable.Range(0, n).Select(i => 0.05 + 0.9 * i / (n - 1)).ToArray();
    }

    /// <summary>
    /// Φ⁻¹(u) along dimensions <paramref name="first"/> and <paramref name="second"/> of N(0, I); the other
    /// dimensions stay at the prior's mean, 0 (Kingma and Welling's manifold figure when k = 2).
    /// </summary>
    public static ManifoldAxes Prior(int latentSize, int n, int first = 0, int second = 1)
    {
        Check(latentSize, first, second);
        using var scope = NewDisposeScope();
        // z = Φ⁻¹(u): the standard normal's quantile function, so the columns split the prior's mass evenly.
        var values = special.ndtri(tensor(Levels(n), ScalarType.Float64)).data<double>().ToArray();
        return new ManifoldAxes(first, second, values, values, new float[latentSize], "the prior N(0, I)");
    }

    /// <summary>
    /// The empirical quantiles (linear interpolation, as numpy's) of the codes f(x) of <paramref name="data"/> along
    /// the two dimensions; the other dimensions stay at their median. For a model without a prior, whose codes can
    /// lie anywhere.
    /// </summary>
    public static ManifoldAxes FromCodes(Autoencoder model, Dataset data, int n, int first = 0, int second = 1)
    {
        LatentGaussian.CheckContinuous(model);
        var codes = Codes.Encode(model, data);
        Check(codes.SampleLength, first, second);
        using var scope = NewDisposeScope();
        var flat = tensor(codes.ToFloats(), [codes.Count, codes.SampleLength]).to_type(ScalarType.Float64);
        var levels = tensor(Levels(n), ScalarType.Float64);
        double[] Quantiles(int dimension) => flat[.., dimension].contiguous().quantile(levels).data<double>().ToArray();
        // The median as numpy's: the mean of the two middle values for an even count (torch.quantile refuses over 16M values).
        var sorted = flat.sort(0).Values;
        long middle = (codes.Count - 1) / 2;
        var median = ((sorted[middle] + sorted[codes.Count / 2]) / 2).to_type(ScalarType.Float32).data<float>().ToArray();
        return new ManifoldAxes(first, second, Quantiles(first), Quantiles(second), median, $"the codes of {data.Name}");
    }

    /// <summary>The n × n codes, [n·n, k] float32, row by row from the top (largest <see cref="Second"/> value) and left to right.</summary>
    public Tensor Grid()
    {
        int n = FirstValues.Length;
        var values = new float[n * n * Base.Length];
        for (int row = 0; row < n; row++)
            for (int column = 0; column < n; column++)
            {
                var code = values.AsSpan((row * n + column) * Base.Length, Base.Length);
                Base.CopyTo(code);
                code[First] = (float)FirstValues[column];
                code[Second] = (float)SecondValues[n - 1 - row];
            }
        return tensor(values, [n * n, Base.Length]);
    }

    static void Check(int latentSize, int first, int second)
    {
        if (first < 0 || second < 0 || first >= latentSize || second >= latentSize || first == second)
            throw new OptionException("dims", $"expected two different dimensions in 0 .. {latentSize - 1}, got {first},{second}");
    }
}
