using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bottleneck.Evaluation;

/// <summary>
/// Sums of a reconstruction's errors over everything measured so far, in float64: |x̂ − x|, (x̂ − x)², BCE (or, from
/// logits, its linear part), and the smallest and largest target value (BCE and PSNR are figures only for targets in
/// [0, 1]). One pass over x̂ and x, eight values at a time, instead of libtorch's seven (x̂ − x, its absolute value, a
/// sum, its square, a sum, the per-row mean, min and max of the targets), each a trip through memory the size of the
/// batch and a tensor of its own. For a sigmoid output, x̂ and BCE's linear part come from the logits in the same pass,
/// and the exp and log1p stay with libtorch, whose vectorised kernels are faster than .NET's Vector256.Exp and Log
/// (which widen to float64); for other outputs BCE's two logarithms are taken in the pass, where libtorch would make
/// eight tensors. `bench evaluate-profile` measures each phase.
/// </summary>
internal struct ReconstructionSums
{
    /// <summary>Σ |x̂ − x| and Σ (x̂ − x)² over every value added.</summary>
    public double Absolute, Squared;

    /// <summary>Σ [max(z, 0) − z·x] over the values added from logits: BCE's linear part (see <see cref="AddLogits"/>).</summary>
    public double Linear;

    /// <summary>Σ BCE over the values added as reconstructions (see <see cref="Add"/>).</summary>
    public double Bce;

    /// <summary>The smallest and largest target value added (+∞ and −∞ before any).</summary>
    public float Low, High;

    public ReconstructionSums() => (Low, High) = (float.PositiveInfinity, float.NegativeInfinity);

    /// <summary>
    /// Adds <paramref name="rows"/> rows of <paramref name="width"/> values each (reconstructions x̂ and targets x, row
    /// after row), and writes each row's mean squared error (1/d) Σ_j (x̂_ij − x_ij)² into <paramref name="rowMse"/>.
    /// BCE = −[x log p + (1 − x) log(1 − p)] with p = x̂ clipped to [ε, 1 − ε] (Keras's clipping, as
    /// <see cref="Objectives.ReconstructionLoss.BceFromProbabilities"/>) goes into <see cref="Bce"/>: two logarithms a
    /// value in the same pass, where libtorch would make eight tensors of the batch's size (which for small rows cost
    /// more than the model).
    /// </summary>
    // Compiled fully optimised from the first call: tier-0 code of vector arithmetic is many times slower, and a command
    // that evaluates once would spend its first tenth of a second there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<float> reconstruction, ReadOnlySpan<float> target, int rows, int width, Span<float> rowMse)
    {
        Check(reconstruction, target, rows, width, rowMse);
        for (int i = 0; i < rows; i++)
        {
            var row = Row(reconstruction.Slice(i * width, width), target.Slice(i * width, width), full: true);
            Bce += row.Bce;
            Absolute += row.Absolute;
            Squared += row.Squared;
            Low = MathF.Min(Low, row.Low);
            High = MathF.Max(High, row.High);
            rowMse[i] = (float)(row.Squared / width);
        }
    }

    /// <summary>
    /// <see cref="Add"/> for a sigmoid output given as its logits z with e = e^−|z| beside them (libtorch's exp, computed
    /// once for BCE): x̂ = σ(z) = 1 / (1 + e) for z ≥ 0 and e / (1 + e) for z &lt; 0, so no tensor for x̂; and BCE's
    /// linear part, Σ [max(z, 0) − z·x], into <see cref="Linear"/>. BCE per value is max(z, 0) − z·x + log(1 + e^−|z|),
    /// training's stable form from logits; the caller adds the last term's sum, Σ log1p(e).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> exponentials, ReadOnlySpan<float> target, int rows, int width, Span<float> rowMse)
    {
        Check(logits, target, rows, width, rowMse);
        if (exponentials.Length < rows * width) throw new ArgumentException($"{rows} rows of {width} values, but only {exponentials.Length} exponentials");
        for (int i = 0; i < rows; i++)
        {
            var row = LogitsRow(logits.Slice(i * width, width), exponentials.Slice(i * width, width), target.Slice(i * width, width));
            Linear += row.Linear;
            Absolute += row.Absolute;
            Squared += row.Squared;
            Low = MathF.Min(Low, row.Low);
            High = MathF.Max(High, row.High);
            rowMse[i] = (float)(row.Squared / width);
        }
    }

    /// <summary>−|z| for every value of <paramref name="logits"/>, into <paramref name="into"/>: the exponent of e^−|z|, in one pass instead of libtorch's copy, abs and neg.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NegativeAbsolute(ReadOnlySpan<float> logits, Span<float> into)
    {
        if (into.Length < logits.Length) throw new ArgumentException($"{logits.Length} values but room for {into.Length}");
        int j = 0, n = Vector256<float>.Count;
        for (; j + n <= logits.Length; j += n) (-Vector256.Abs(Vector256.Create(logits.Slice(j, n)))).CopyTo(into.Slice(j, n));
        for (; j < logits.Length; j++) into[j] = -MathF.Abs(logits[j]);
    }

    /// <summary>Each row's mean squared error alone, for scores (§8.4: errors = mean((x − x̂)², axis=1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowMse(ReadOnlySpan<float> reconstruction, ReadOnlySpan<float> target, int rows, int width, Span<float> rowMse)
    {
        Check(reconstruction, target, rows, width, rowMse);
        for (int i = 0; i < rows; i++)
            rowMse[i] = (float)(Row(reconstruction.Slice(i * width, width), target.Slice(i * width, width), full: false).Squared / width);
    }

    static void Check(ReadOnlySpan<float> reconstruction, ReadOnlySpan<float> target, int rows, int width, Span<float> rowMse)
    {
        if (reconstruction.Length < rows * width || target.Length < rows * width || rowMse.Length < rows)
            throw new ArgumentException($"{rows} rows of {width} values, but the reconstruction has {reconstruction.Length}, the target {target.Length}, the errors room for {rowMse.Length}");
    }

    /// <summary>One row's sums.</summary>
    record struct RowSums(double Absolute, double Squared, float Low, float High, double Linear = 0, double Bce = 0);

    // Sums in float32 over at most Block vectors a lane, then widened into float64: a long row loses nothing to float32
    // sums, and the widening costs one step in sixteen.
    const int Block = 16;

    // `full`: BCE, |x̂ − x| and the targets' range besides (x̂ − x)².
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static RowSums Row(ReadOnlySpan<float> reconstruction, ReadOnlySpan<float> target, bool full)
    {
        var (bce, absolute, squared) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
        var (low, high) = (Vector256.Create(float.PositiveInfinity), Vector256.Create(float.NegativeInfinity));
        var (epsilon, oneMinusEpsilon) = (Vector256.Create(Epsilon), Vector256.Create(OneMinusEpsilon));
        int j = 0, n = Vector256<float>.Count;
        while (j + n <= reconstruction.Length)
        {
            var (blockBce, blockAbsolute, blockSquared) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            for (int k = 0; k < Block && j + n <= reconstruction.Length; k++, j += n)
            {
                var x = Vector256.Create(target.Slice(j, n));
                var y = Vector256.Create(reconstruction.Slice(j, n));
                var difference = y - x;
                blockSquared += difference * difference;
                if (full)
                {
                    var p = Vector256.Min(Vector256.Max(y, epsilon), oneMinusEpsilon);
                    blockBce -= x * Vector256.Log(p) + (Vector256<float>.One - x) * Vector256.Log(Vector256<float>.One - p);
                    blockAbsolute += Vector256.Abs(difference);
                    low = Vector256.Min(low, x);
                    high = Vector256.Max(high, x);
                }
            }
            bce = AddWidened(bce, blockBce);
            absolute = AddWidened(absolute, blockAbsolute);
            squared = AddWidened(squared, blockSquared);
        }
        double b = Vector256.Sum(bce), a = Vector256.Sum(absolute), s = Vector256.Sum(squared);
        float l = Min(low), h = Max(high);
        // The row's last values (fewer than eight) one at a time.
        for (; j < reconstruction.Length; j++)
        {
            float x = target[j], y = reconstruction[j], e = y - x;
            float p = Math.Clamp(y, Epsilon, OneMinusEpsilon);
            b -= x * MathF.Log(p) + (1 - x) * MathF.Log(1 - p);
            a += MathF.Abs(e);
            s += e * e;
            l = MathF.Min(l, x);
            h = MathF.Max(h, x);
        }
        return new RowSums(a, s, l, h, Bce: b);
    }

    // BCE's clipping bounds as float32 holds them (1 − 1e-7 rounds to 1 − 2⁻²³), as libtorch's clamp of a float tensor.
    const float Epsilon = (float)Objectives.ReconstructionLoss.Epsilon, OneMinusEpsilon = (float)(1 - Objectives.ReconstructionLoss.Epsilon);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static RowSums LogitsRow(ReadOnlySpan<float> logits, ReadOnlySpan<float> exponentials, ReadOnlySpan<float> target)
    {
        var (linear, absolute, squared) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
        var (low, high) = (Vector256.Create(float.PositiveInfinity), Vector256.Create(float.NegativeInfinity));
        int j = 0, n = Vector256<float>.Count;
        while (j + n <= logits.Length)
        {
            var (blockLinear, blockAbsolute, blockSquared) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            for (int k = 0; k < Block && j + n <= logits.Length; k++, j += n)
            {
                var z = Vector256.Create(logits.Slice(j, n));
                var e = Vector256.Create(exponentials.Slice(j, n));
                var x = Vector256.Create(target.Slice(j, n));
                // σ(z) = 1 / (1 + e^−z) for z ≥ 0, e^z / (1 + e^z) for z < 0: e^−|z| either way, no overflow
                var sigmoid = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), Vector256<float>.One, e) / (Vector256<float>.One + e);
                var difference = sigmoid - x;
                blockLinear += Vector256.Max(z, Vector256<float>.Zero) - z * x;
                blockAbsolute += Vector256.Abs(difference);
                blockSquared += difference * difference;
                low = Vector256.Min(low, x);
                high = Vector256.Max(high, x);
            }
            linear = AddWidened(linear, blockLinear);
            absolute = AddWidened(absolute, blockAbsolute);
            squared = AddWidened(squared, blockSquared);
        }
        double l = Vector256.Sum(linear), a = Vector256.Sum(absolute), s = Vector256.Sum(squared);
        float lo = Min(low), hi = Max(high);
        for (; j < logits.Length; j++)
        {
            float z = logits[j], e = exponentials[j], x = target[j];
            float difference = (z >= 0 ? 1 : e) / (1 + e) - x;
            l += MathF.Max(z, 0) - z * x;
            a += MathF.Abs(difference);
            s += difference * difference;
            lo = MathF.Min(lo, x);
            hi = MathF.Max(hi, x);
        }
        return new RowSums(a, s, lo, hi, l);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<double> AddWidened(Vector256<double> sum, Vector256<float> values)
    {
        var (lower, upper) = Vector256.Widen(values);
        return sum + lower + upper;
    }

    static float Min(Vector256<float> v)
    {
        float m = v.GetElement(0);
        for (int i = 1; i < Vector256<float>.Count; i++) m = MathF.Min(m, v.GetElement(i));
        return m;
    }

    static float Max(Vector256<float> v)
    {
        float m = v.GetElement(0);
        for (int i = 1; i < Vector256<float>.Count; i++) m = MathF.Max(m, v.GetElement(i));
        return m;
    }
}
