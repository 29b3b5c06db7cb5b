using System.Buffers.Binary;

namespace Bottleneck.Persistence;

/// <summary>
/// One named tensor of a safetensors file: its dtype name, its shape, and its elements as raw little-endian bytes in
/// C (row-major) order. The arrays are held as given, not copied.
/// </summary>
internal sealed class TensorEntry
{
    /// <summary>Creates an entry, checking that the dtype is supported and that the data holds exactly the shape's elements.</summary>
    /// <exception cref="ArgumentException">The dtype is unknown, a dimension is negative, or the data length does not match the shape.</exception>
    public TensorEntry(string name, string dType, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dType);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (!SafeTensorsDType.IsSupported(dType))
            throw new ArgumentException($"Tensor '{name}': unsupported dtype '{dType}' (expected one of {SafeTensorsDType.SupportedList}).", nameof(dType));
        if (!SafeTensorsDType.TryGetByteLength(dType, shape, out var byteLength))
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] has a negative dimension or is too large.", nameof(shape));
        if (data.LongLength != byteLength)
            throw new ArgumentException(
                $"Tensor '{name}': shape [{string.Join(", ", shape)}] of {dType} needs {byteLength} bytes, got {data.LongLength}.", nameof(data));
        Name = name;
        DType = dType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The tensor's name, the key of its entry in the file header.</summary>
    public string Name { get; }

    /// <summary>The element type, one of the <see cref="SafeTensorsDType"/> names.</summary>
    public string DType { get; }

    /// <summary>The dimensions, outermost first; an empty shape is a scalar.</summary>
    public long[] Shape { get; }

    /// <summary>The elements as little-endian bytes in C order.</summary>
    public byte[] Data { get; }

    /// <summary>The number of elements, the product of <see cref="Shape"/>.</summary>
    public long ElementCount => Data.LongLength / SafeTensorsDType.ItemSize(DType);

    /// <summary>Decodes the elements as 32-bit floats; F64 values are rounded to the nearest float.</summary>
    /// <exception cref="BadInputException">The dtype is not F32, F16, BF16 or F64.</exception>
    public float[] ToFloat32()
    {
        var bytes = Data.AsSpan();
        var values = new float[ElementCount];
        switch (DType)
        {
            case SafeTensorsDType.Float32:
                for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case SafeTensorsDType.Float16:
                for (var i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case SafeTensorsDType.BFloat16:
                // A bfloat16 is the upper half of the float32 with the same sign, exponent and leading mantissa bits.
                for (var i = 0; i < values.Length; i++)
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            case SafeTensorsDType.Float64:
                for (var i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
            default:
                throw new BadInputException(
                    $"tensor {SafeTensorsFile.Quote(Name)}: dtype {DType} cannot be read as floats (expected F32, F16, BF16 or F64)");
        }
        return values;
    }

    /// <summary>Creates an F32 entry holding <paramref name="values"/> in C order.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the product of <paramref name="shape"/>.</exception>
    public static TensorEntry FromFloat32(string name, long[] shape, float[] values)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        if (!SafeTensorsDType.TryGetByteLength(SafeTensorsDType.Float32, shape, out var byteLength) || byteLength != 4L * values.Length)
            throw new ArgumentException(
                $"Tensor '{name}': shape [{string.Join(", ", shape)}] does not hold {values.Length} values.", nameof(values));
        var data = new byte[4L * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        return new TensorEntry(name, SafeTensorsDType.Float32, shape, data);
    }
}
