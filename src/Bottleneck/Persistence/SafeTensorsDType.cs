using System.Collections.Frozen;

namespace Bottleneck.Persistence;

/// <summary>
/// The element types a safetensors file may declare, by the names the format uses in its JSON header.
/// </summary>
internal static class SafeTensorsDType
{
    public const string Bool = "BOOL";
    public const string UInt8 = "U8";
    public const string Int8 = "I8";
    public const string Int16 = "I16";
    public const string UInt16 = "U16";
    public const string Float16 = "F16";
    public const string BFloat16 = "BF16";
    public const string Int32 = "I32";
    public const string UInt32 = "U32";
    public const string Float32 = "F32";
    public const string Float64 = "F64";
    public const string Int64 = "I64";
    public const string UInt64 = "U64";

    // Listed in the order of the reference implementation's Dtype enum (increasing alignment); its writer stores
    // tensors with the highest rank first so that every tensor starts on a multiple of its element size.
    static readonly string[] ByRank = [Bool, UInt8, Int8, Int16, UInt16, Float16, BFloat16, Int32, UInt32, Float32, Float64, Int64, UInt64];

    static readonly FrozenDictionary<string, int> Ranks =
        ByRank.Select((name, rank) => KeyValuePair.Create(name, rank)).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>All supported dtype names, comma-separated, for error messages.</summary>
    internal static string SupportedList { get; } = string.Join(", ", ByRank);

    /// <summary>Whether <paramref name="dtype"/> is one of the supported dtype names (case-sensitive, as in the format).</summary>
    public static bool IsSupported(string dtype) => Ranks.ContainsKey(dtype);

    /// <summary>The size in bytes of one element of <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not supported.</exception>
    public static int ItemSize(string dtype) => dtype switch
    {
        Bool or UInt8 or Int8 => 1,
        Int16 or UInt16 or Float16 or BFloat16 => 2,
        Int32 or UInt32 or Float32 => 4,
        Float64 or Int64 or UInt64 => 8,
        _ => throw new ArgumentException($"Unsupported safetensors dtype '{dtype}' (expected one of {SupportedList}).", nameof(dtype)),
    };

    /// <summary>Position of a supported dtype in the reference implementation's alignment order.</summary>
    internal static int Rank(string dtype) => Ranks[dtype];

    /// <summary>
    /// Computes the byte length of a tensor of <paramref name="dtype"/> and <paramref name="shape"/>;
    /// false when a dimension is negative or the length does not fit in a <see cref="long"/>.
    /// </summary>
    internal static bool TryGetByteLength(string dtype, IReadOnlyList<long> shape, out long byteLength)
    {
        byteLength = ItemSize(dtype);
        try
        {
            foreach (var dimension in shape)
            {
                if (dimension < 0) return false;
                byteLength = checked(byteLength * dimension);
            }
            return true;
        }
        catch (OverflowException)
        {
            byteLength = 0;
            return false;
        }
    }
}
