using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>Turns arrays read from files into <see cref="Dataset"/>s: uint8 stays uint8, everything else becomes float32.</summary>
internal static class DatasetFactory
{
    /// <summary>A dataset over <paramref name="array"/> ([N, ...]); <paramref name="labels"/> must have N entries.</summary>
    public static Dataset FromArray(string name, NumericArray array, int[]? labels = null, IReadOnlyList<string>? classNames = null)
    {
        if (array.Shape.Length < 2)
            throw new BadInputException($"{name}: expected samples with at least one feature (shape [N, ...]), got shape [{string.Join(", ", array.Shape)}]");
        if (array.Shape[0] == 0) throw new BadInputException($"{name}: holds no samples");
        var shape = array.Shape.Select(d => (long)d).ToArray();
        var storage = array.IsBytes ? tensor(array.Bytes!, shape, ScalarType.Byte) : tensor(array.Floats!, shape, ScalarType.Float32);
        storage.DetachFromDisposeScope();
        return new Dataset(name, storage, labels, classNames);
    }
}
