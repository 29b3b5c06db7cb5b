using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Generation;

/// <summary>
/// Walks between two codes and decodes each step: the chapter's "interpolation between points generates intermediate
/// images" (§2.2), smooth for a VAE and possibly invalid for a plain autoencoder (§8.6; §13.1).
/// Linear steps, or spherical ones (Shoemake's slerp), which keep a path between two typical draws of a Gaussian
/// prior at a typical radius instead of cutting through the low-norm middle (White 2016, "Sampling Generative Networks").
/// </summary>
internal static class LatentInterpolation
{
    /// <summary>Below this sin Ω the two codes are (anti)parallel, slerp's weights are 0/0, and the step is linear.</summary>
    public const double ParallelSine = 1e-6;

    /// <summary>The fractions t_i = i / (steps − 1), i = 0 .. steps − 1: both ends included.</summary>
    public static double[] Times(int steps)
    {
        if (steps < 3) throw new OptionException("steps", $"expected at least 3 (both ends and a step between), got {steps}");
        return Enumerable.Range(0, steps).Select(i => (double)i / (steps - 1)).ToArray();
    }

    /// <summary>z(t) = (1 − t)·z₀ + t·z₁, row by row for [B, k] codes.</summary>
    public static Tensor Lerp(Tensor z0, Tensor z1, double t) => (1 - t) * z0 + t * z1;

    /// <summary>
    /// slerp(z₀, z₁; t) = sin((1 − t)Ω)/sin Ω · z₀ + sin(tΩ)/sin Ω · z₁ with cos Ω = z₀·z₁ / (‖z₀‖‖z₁‖), row by row for
    /// [B, k] codes (or one [k] code); rows whose sin Ω is below <see cref="ParallelSine"/> take the linear step.
    /// </summary>
    public static Tensor Slerp(Tensor z0, Tensor z1, double t)
    {
        using var scope = NewDisposeScope();
        var a = z0.to_type(ScalarType.Float64);
        var b = z1.to_type(ScalarType.Float64);
        var cosine = ((a * b).sum([-1], keepdim: true) / (a.norm(-1, keepdim: true) * b.norm(-1, keepdim: true))).nan_to_num(1.0).clamp(-1, 1);
        var omega = cosine.acos();
        var sine = omega.sin();
        var parallel = sine.abs() < ParallelSine;
        var safeSine = where(parallel, ones_like(sine), sine);
        var spherical = ((1 - t) * omega).sin() / safeSine * a + (t * omega).sin() / safeSine * b;
        return where(parallel, Lerp(a, b, t), spherical).to_type(z0.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The codes along the path from each row of <paramref name="z0"/> [B, k] to the same row of <paramref name="z1"/>: [B, steps, k].</summary>
    public static Tensor Path(Tensor z0, Tensor z1, int steps, bool spherical)
    {
        if (!z0.shape.SequenceEqual(z1.shape) || z0.dim() != 2)
            throw new ArgumentException($"codes must both be [B, k]; got [{string.Join(", ", z0.shape)}] and [{string.Join(", ", z1.shape)}]");
        return stack(Times(steps).Select(t => spherical ? Slerp(z0, z1, t) : Lerp(z0, z1, t)).ToArray(), 1);
    }

    /// <summary>
    /// Encodes <paramref name="x0"/> and <paramref name="x1"/> [B, ...input], walks between the codes (a VAE's code is
    /// its mean μ) and decodes every step: [B, steps, input size], flattened samples. The ends are the reconstructions.
    /// </summary>
    public static Tensor Decode(Autoencoder model, Tensor x0, Tensor x1, int steps, bool spherical)
    {
        LatentGaussian.CheckContinuous(model);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long batch = x0.shape[0];
        var z0 = model.Encode(x0).reshape(batch, -1);
        var z1 = model.Encode(x1).reshape(batch, -1);
        var path = Path(z0, z1, steps, spherical).reshape([batch * steps, .. model.CodeShape]);
        return model.Decode(path).reshape(batch, steps, -1).MoveToOuterDisposeScope();
    }

    /// <summary>The pixel-space reference: (1 − t)·x₀ + t·x₁ for each step, [B, steps, input size].</summary>
    public static Tensor CrossFade(Tensor x0, Tensor x1, int steps)
    {
        using var scope = NewDisposeScope();
        long batch = x0.shape[0];
        return Path(x0.reshape(batch, -1), x1.reshape(batch, -1), steps, spherical: false).MoveToOuterDisposeScope();
    }
}
