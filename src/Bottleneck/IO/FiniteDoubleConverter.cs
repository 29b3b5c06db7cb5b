using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bottleneck.IO;

/// <summary>
/// Doubles in <see cref="ResultJson"/>'s records: a finite number is written as JSON writes numbers; NaN and ±∞, which
/// JSON cannot hold, are written as a marker that <see cref="FiniteJson"/> turns into null with a warning naming the
/// field. Null reads back as NaN, so a record of a diverged run reads as it was written (a NaN loss, not a missing one).
/// </summary>
sealed class FiniteDoubleConverter : JsonConverter<double>
{
    /// <summary>Starts the marker string of a non-finite number; no text a user writes starts with a NUL character.</summary>
    public const char Marker = '\0';

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(Marker + value.ToString(CultureInfo.InvariantCulture));
    }
}
