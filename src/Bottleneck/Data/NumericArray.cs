namespace Bottleneck.Data;

/// <summary>
/// An n-dimensional array as read from a data file, in C (row-major) order. It holds bytes when the source was
/// uint8 (images stay one byte per pixel in memory) and float32 for every other numeric type.
/// </summary>
internal sealed class NumericArray
{
    private NumericArray(int[] shape, byte[]? bytes, float[]? floats)
    {
        Shape = shape;
        Length = ElementCount(shape);
        Bytes = bytes;
        Floats = floats;
    }

    /// <summary>The size of each dimension; the first dimension counts samples. Empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public long Length { get; }

    /// <summary>The elements when the source was uint8, otherwise null.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The elements converted to float32 when the source was not uint8, otherwise null.</summary>
    public float[]? Floats { get; }

    /// <summary>True when the elements are held as <see cref="Bytes"/>.</summary>
    public bool IsBytes => Bytes is not null;

    /// <summary>The number of samples: the first dimension (1 for a scalar, which is one sample of shape []).</summary>
    public int Count => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>The shape of one sample: every dimension but the first.</summary>
    public int[] SampleShape => Shape.Length == 0 ? [] : Shape[1..];

    /// <summary>The number of elements in one sample.</summary>
    public int SampleLength => (int)ElementCount(SampleShape);

    /// <summary>Wraps uint8 data (not copied) of the given shape.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the data length is not the product of the shape.</exception>
    public static NumericArray FromBytes(int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(shape, data.Length);
        return new NumericArray((int[])shape.Clone(), data, null);
    }

    /// <summary>Wraps float32 data (not copied) of the given shape.</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the data length is not the product of the shape.</exception>
    public static NumericArray FromFloats(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(shape, data.Length);
        return new NumericArray((int[])shape.Clone(), null, data);
    }

    /// <summary>
    /// The elements as float32: bytes become their integer value 0..255 (not scaled to 0..1) in a new array;
    /// float data is returned as is, not copied.
    /// </summary>
    public float[] ToFloats()
    {
        if (Floats is not null) return Floats;
        var bytes = Bytes!;
        var floats = new float[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) floats[i] = bytes[i];
        return floats;
    }

    /// <summary>The first <paramref name="count"/> samples as rows of <see cref="SampleLength"/> float32 values each (bytes as 0..255).</summary>
    public float[][] ToRows(int count)
    {
        var values = ToFloats();
        int width = SampleLength;
        return Enumerable.Range(0, Math.Min(count, Count)).Select(i => values.AsSpan(i * width, width).ToArray()).ToArray();
    }

    /// <summary>
    /// The elements as class labels. Requires a one-dimensional array of labels as <see cref="ClassLabel"/> defines
    /// them (integers from 0 to 9,999); otherwise throws a
    /// <see cref="BadInputException"/> whose message names <paramref name="source"/>.
    /// </summary>
    public int[] ToLabels(string source)
    {
        if (Shape.Length != 1)
            throw new BadInputException(
                $"{source}: labels must be a one-dimensional array, found shape {FormatShape(Shape)}");

        var labels = new int[Shape[0]];
        if (Bytes is not null)
        {
            for (var i = 0; i < labels.Length; i++) labels[i] = Bytes[i];
            return labels;
        }

        var floats = Floats!;
        for (var i = 0; i < labels.Length; i++)
        {
            var value = floats[i];
            // float32 holds every integer exactly up to 2^24, far beyond the largest class label, so an integral
            // float is the label the file meant.
            if (!ClassLabel.IsValid(value))
                throw new BadInputException(
                    $"{source}: label at index {i} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {ClassLabel.Expected}");
            labels[i] = (int)value;
        }
        return labels;
    }

    /// <summary>Formats a shape the way numpy prints it in error messages, e.g. [60000, 28, 28].</summary>
    internal static string FormatShape(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";

    private static long ElementCount(int[] shape)
    {
        long count = 1;
        foreach (var dimension in shape) count *= dimension;
        return count;
    }

    private static void Validate(int[] shape, int dataLength)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
                throw new ArgumentException($"Shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
            // Saturate instead of overflowing: any count above the data length is already a mismatch.
            count = Math.Min(count * dimension, (long)int.MaxValue + 1);
        }
        if (count != dataLength)
            throw new ArgumentException(
                $"Shape {FormatShape(shape)} holds {count} elements but the data has {dataLength}.", nameof(shape));
    }
}
