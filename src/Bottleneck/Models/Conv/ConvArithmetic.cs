namespace Bottleneck.Models.Conv;

/// <summary>
/// Output sizes of convolution, pooling and transposed convolution along one spatial axis (chapter §3.4;
/// GUIDE §4.6), and the padding Keras's <c>padding='same'</c> implies, which is asymmetric when it is odd.
/// </summary>
internal static class ConvArithmetic
{
    /// <summary>O = ⌊(I − K + 2P)/S⌋ + 1, for a convolution or a pooling window (§3.4).</summary>
    public static int Output(int input, int kernel, int stride, int padding = 0)
    {
        int span = input - kernel + 2 * padding;
        if (span < 0) throw new ArgumentOutOfRangeException(nameof(input), $"a {kernel}-wide window does not fit in {input} + 2·{padding}");
        return span / stride + 1;
    }

    /// <summary>Keras's 'same' padding keeps O = ⌈I/S⌉ (so 28 → 14 → 7 → 4 with stride 2).</summary>
    public static int SameOutput(int input, int stride) => (input + stride - 1) / stride;

    /// <summary>
    /// The padding Keras (TensorFlow) adds for 'same': total = max((⌈I/S⌉ − 1)·S + K − I, 0), split as
    /// before = ⌊total/2⌋ and after = total − before, so an odd total puts the extra row at the bottom (column at the right).
    /// </summary>
    public static (int Before, int After) SamePadding(int input, int kernel, int stride)
    {
        // total = max((O − 1)·S + K − I, 0) with O = ⌈I/S⌉ — the padding that makes the last window end at the last pixel
        int total = Math.Max((SameOutput(input, stride) - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>Transposed convolution: O = (I − 1)·S − 2P + K + output_padding (PyTorch's ConvTranspose2d).</summary>
    public static int TransposedOutput(int input, int kernel, int stride, int padding = 0, int outputPadding = 0) =>
        (input - 1) * stride - 2 * padding + kernel + outputPadding;

    /// <summary>
    /// Keras's Conv2DTranspose: O = I·S for 'same'; O = I·S + max(K − S, 0) for 'valid', which is (I − 1)·S + K when K ≥ S.
    /// </summary>
    public static int KerasTransposedOutput(int input, int kernel, int stride, bool same) =>
        same ? input * stride : input * stride + Math.Max(kernel - stride, 0);
}
