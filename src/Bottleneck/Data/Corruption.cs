using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// A corruption process C(x̃ | x) that turns clean samples into a denoising autoencoder's input (chapter §3.5): the
/// model sees x̃ and is trained to give back x. Samples are assumed scaled to [0, 1], as images are, and corrupted
/// samples stay in [0, 1]. Random corruptions draw from the generator they are given, or from torch's global one.
/// </summary>
internal abstract class Corruption
{
    /// <summary>The corruption as --noise writes it: "gaussian:0.5", "mask:0.3", "salt-pepper:0.1", "jpeg:10".</summary>
    public abstract string Name { get; }

    /// <summary>False for a corruption that gives the same x̃ every time (JPEG), so one copy made up front is enough.</summary>
    public virtual bool IsRandom => true;

    /// <summary>
    /// x̃ for a batch of clean samples [B, ...] in [0, 1], same shape; <paramref name="generator"/> null draws from the
    /// worker's generator in data-parallel training, else from torch's global generator.
    /// </summary>
    public abstract Tensor Apply(Tensor clean, Generator? generator = null);

    public override string ToString() => Name;

    /// <summary>The kinds --noise accepts, as a user would write them.</summary>
    public const string Kinds = "gaussian:σ, mask:q, salt-pepper:p or jpeg:quality";

    /// <summary>
    /// Parses "kind:value" (gaussian:σ, mask:q, salt-pepper:p, jpeg:quality); "none" gives null. Anything else is an
    /// <see cref="OptionException"/> naming the option <paramref name="field"/>.
    /// </summary>
    public static Corruption? Parse(string text, string field = "noise")
    {
        var trimmed = text.Trim();
        if (trimmed.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        var colon = trimmed.IndexOf(':');
        if (colon < 0)
            throw new OptionException(field, $"expected kind:value ({Kinds}), e.g. gaussian:0.5, got '{text}'");
        var kind = trimmed[..colon].Trim().ToLowerInvariant();
        var value = trimmed[(colon + 1)..].Trim();
        double Number()
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new OptionException(field, $"'{value}' is not a number (in '{text}')");
            return v;
        }
        double Probability(string symbol)
        {
            var p = Number();
            if (p is < 0 or > 1) throw new OptionException(field, $"{kind} needs {symbol} in [0, 1], got {value}");
            return p;
        }
        switch (kind)
        {
            case "gaussian":
                var sigma = Number();
                if (sigma < 0) throw new OptionException(field, $"gaussian needs σ ≥ 0, got {value}");
                // The noise is drawn in float32: a σ beyond its range turns every noisy value into ±∞.
                if (sigma > float.MaxValue) throw new OptionException(field, $"gaussian needs σ ≤ {float.MaxValue:G3} (float32's range), got {value}");
                return new GaussianCorruption(sigma);
            case "mask":
                return new MaskingCorruption(Probability("q"));
            case "salt-pepper":
                return new SaltPepperCorruption(Probability("p"));
            case "jpeg":
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var quality) || quality is < 1 or > 100)
                    throw new OptionException(field, $"jpeg needs a quality from 1 to 100, got {value}");
                return new JpegCorruption(quality);
            default:
                throw new OptionException(field, $"unknown noise kind '{kind}' (expected {Kinds})");
        }
    }

    /// <summary>
    /// A float32 copy of <paramref name="data"/> corrupted once, sample for sample, drawing from a generator seeded with
    /// <paramref name="seed"/>: the same seed gives the same copy (the chapter's x_train_noisy, x_test_noisy).
    /// </summary>
    public Dataset CorruptedCopy(Dataset data, long seed, int batchSize = 1000)
    {
        using var generator = new Generator((ulong)seed);
        var copy = empty([data.Count, .. data.SampleShape], ScalarType.Float32);
        copy.DetachFromDisposeScope();
        try
        {
            foreach (var (start, count) in Batches.Of(data.Count, batchSize))
            {
                using var scope = NewDisposeScope();
                copy.narrow(0, start, count).copy_(Apply(data.Batch(start, count), generator));
            }
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        return new Dataset($"{data.Name} ({Name})", copy, data.Labels, data.ClassNames);
    }

    /// <summary>A formatted parameter for <see cref="Name"/>: shortest round-trip form, invariant culture.</summary>
    protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
