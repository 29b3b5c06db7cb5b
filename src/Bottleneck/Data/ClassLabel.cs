namespace Bottleneck.Data;

/// <summary>
/// The one rule for class labels, whatever file they come from: an integer from 0 to <see cref="MaxClasses"/> − 1.
/// </summary>
/// <remarks>
/// Code downstream sizes arrays by the largest label (votes per class, one-hot matrices, softmax weights), so one label
/// of 10^9 in a small file cost 4 GB and minutes, and −1 or 2^31 − 1 crashed. 10,000 classes is beyond every dataset
/// this toolkit is for (MNIST's 10, CIFAR-100's 100, ImageNet-1k's 1,000) and keeps every such array small.
/// </remarks>
internal static class ClassLabel
{
    /// <summary>Labels are below this.</summary>
    public const int MaxClasses = 10_000;

    /// <summary>What a label must be, for error messages.</summary>
    public static readonly string Expected = $"expected an integer class label from 0 to {MaxClasses - 1}";

    /// <summary>True when <paramref name="value"/> is a whole number from 0 to <see cref="MaxClasses"/> − 1.</summary>
    public static bool IsValid(double value) => value >= 0 && value < MaxClasses && value == Math.Floor(value);
}
