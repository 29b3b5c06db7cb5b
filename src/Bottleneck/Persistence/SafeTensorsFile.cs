using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Bottleneck.IO;

namespace Bottleneck.Persistence;

/// <summary>
/// Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header giving
/// each tensor's dtype, shape and byte range, then the tensors' bytes back to back with no gaps.
/// </summary>
internal static class SafeTensorsFile
{
    /// <summary>The header key that holds free-form string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted on reading, the same limit as the reference implementation.</summary>
    public const long MaxHeaderLength = 100_000_000;

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads all tensors and the metadata of a safetensors file, validating the whole layout before loading any data.</summary>
    /// <returns>The tensors in storage order, and the metadata (empty when the file has none).</returns>
    /// <exception cref="BadInputException">The file is missing, truncated, or not a well-formed safetensors file.</exception>
    public static (IReadOnlyList<TensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Bad(path, "safetensors file not found");
        }
        catch (UnauthorizedAccessException)
        {
            throw Bad(path, "cannot open the file (access denied, or it is a directory)");
        }

        using (stream)
        {
            var fileLength = stream.Length;
            if (fileLength < 8)
                throw Bad(path, $"file is {fileLength} bytes, too short for the 8-byte header length that starts a safetensors file");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > MaxHeaderLength)
                throw Bad(path, $"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit (not a safetensors file?)");
            if ((long)headerLength > fileLength - 8)
                throw Bad(path, $"header length {headerLength} is larger than the {fileLength - 8} bytes that follow it (truncated file?)");

            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var (layout, metadata) = ParseHeader(path, header, bufferLength: fileLength - 8 - (long)headerLength);

            var tensors = new List<TensorEntry>(layout.Count);
            try
            {
                // The layout is sorted by offset and covers the buffer exactly, so the tensors follow one another.
                foreach (var slot in layout)
                {
                    var data = new byte[slot.End - slot.Begin];
                    stream.ReadExactly(data);
                    tensors.Add(new TensorEntry(slot.Name, slot.DType, slot.Shape, data));
                }
            }
            catch (EndOfStreamException)
            {
                throw Bad(path, "file ended before the last tensor (was it modified while being read?)");
            }
            return (tensors, metadata);
        }
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> and optional string <paramref name="metadata"/> to <paramref name="path"/> atomically,
    /// laid out as the reference writer does: by descending dtype alignment, then by name, header padded with spaces to 8 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">Two tensors share a name, a tensor is named <see cref="MetadataKey"/>, or a string is not valid Unicode.</exception>
    public static void Write(string path, IEnumerable<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        // Everything, including enumerating the tensors, happens inside the atomic write, so any failure part-way
        // leaves an existing file at path untouched.
        AtomicFile.Write(path, stream =>
        {
            var ordered = InStorageOrder(tensors);
            var header = EncodeHeader(ordered, metadata);
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var tensor in ordered) stream.Write(tensor.Data);
        });
    }

    /// <summary>A tensor name (or other header string) quoted for a one-line error message, control characters escaped.</summary>
    internal static string Quote(string text) => $"'{JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}'";

    // ---- writing ----

    static List<TensorEntry> InStorageOrder(IEnumerable<TensorEntry> tensors)
    {
        var list = new List<TensorEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (tensor.Name == MetadataKey)
                throw new ArgumentException($"A tensor cannot be named '{MetadataKey}'; that key holds the file's metadata.", nameof(tensors));
            if (!names.Add(tensor.Name))
                throw new ArgumentException($"Two tensors are named {Quote(tensor.Name)}.", nameof(tensors));
            list.Add(tensor);
        }
        list.Sort((a, b) =>
        {
            var byAlignment = SafeTensorsDType.Rank(b.DType).CompareTo(SafeTensorsDType.Rank(a.DType));
            return byAlignment != 0 ? byAlignment : CompareCodePoints(a.Name, b.Name);
        });
        return list;
    }

    /// <summary>The header JSON, compact and in the same key order and escaping as the reference writer, padded to 8 bytes.</summary>
    static byte[] EncodeHeader(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata is { Count: > 0 })
        {
            AppendString(json, MetadataKey).Append(":{");
            var first = true;
            foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, Comparer<string>.Create(CompareCodePoints)))
            {
                if (value is null) throw new ArgumentException($"Metadata value for {Quote(key)} is null.", nameof(metadata));
                if (!first) json.Append(',');
                AppendString(json, key).Append(':');
                AppendString(json, value);
                first = false;
            }
            json.Append('}');
            if (tensors.Count > 0) json.Append(',');
        }

        long offset = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            if (i > 0) json.Append(',');
            AppendString(json, tensor.Name).Append(":{\"dtype\":");
            AppendString(json, tensor.DType).Append(",\"shape\":[");
            json.AppendJoin(',', tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            json.Append("],\"data_offsets\":[")
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((offset + tensor.Data.LongLength).ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset += tensor.Data.LongLength;
        }
        json.Append('}');

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(json.ToString());
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("Tensor names and metadata must be valid Unicode (no unpaired surrogates).", e);
        }
        var padded = (bytes.Length + 7) / 8 * 8;
        var header = new byte[padded];
        bytes.CopyTo(header, 0);
        header.AsSpan(bytes.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>Appends a JSON string literal, escaping exactly what serde_json escapes: quote, backslash and control characters.</summary>
    static StringBuilder AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"');
    }

    /// <summary>Orders strings by Unicode code point, which is the byte order of their UTF-8 forms (Rust's string order).</summary>
    static int CompareCodePoints(string a, string b)
    {
        var left = a.EnumerateRunes();
        var right = b.EnumerateRunes();
        while (true)
        {
            bool hasLeft = left.MoveNext(), hasRight = right.MoveNext();
            if (!hasLeft || !hasRight) return hasLeft.CompareTo(hasRight);
            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0) return order;
        }
    }

    // ---- reading ----

    /// <summary>Where one tensor lies in the data buffer, as declared by the header.</summary>
    sealed record Slot(string Name, string DType, long[] Shape, long Begin, long End);

    static (List<Slot> Layout, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header, long bufferLength)
    {
        if (!Utf8.IsValid(header)) throw Bad(path, "header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Bad(path, $"header is not valid JSON: {FirstLine(e.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(path, $"header is a JSON {Describe(root.ValueKind)}, expected an object mapping tensor names to entries");

            var names = new HashSet<string>(StringComparer.Ordinal);
            var slots = new List<Slot>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var isMetadata = property.Name == MetadataKey;
                if (!names.Add(property.Name))
                    throw Bad(path, isMetadata ? $"'{MetadataKey}' appears twice in the header" : $"tensor {Quote(property.Name)} appears twice in the header");
                if (isMetadata) ReadMetadata(path, property.Value, metadata);
                else slots.Add(ReadSlot(path, property.Name, property.Value, bufferLength));
            }

            slots.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin)
                : a.End != b.End ? a.End.CompareTo(b.End)
                : string.CompareOrdinal(a.Name, b.Name));
            CheckCoverage(path, slots, bufferLength);
            return (slots, metadata);
        }
    }

    static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind == JsonValueKind.Null) return; // the reference reader treats null as "no metadata"
        if (element.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"'{MetadataKey}': expected an object of strings, got a JSON {Describe(element.ValueKind)}");
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                throw Bad(path, $"'{MetadataKey}': entry {Quote(property.Name)}: expected a string, got a JSON {Describe(property.Value.ValueKind)}");
            if (!metadata.TryAdd(property.Name, property.Value.GetString()!))
                throw Bad(path, $"'{MetadataKey}': entry {Quote(property.Name)} appears twice");
        }
    }

    static Slot ReadSlot(string path, string name, JsonElement entry, long bufferLength)
    {
        var tensor = $"tensor {Quote(name)}";
        if (entry.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"{tensor}: expected an object with dtype, shape and data_offsets, got a JSON {Describe(entry.ValueKind)}");

        var dtypeElement = Field(path, tensor, entry, "dtype");
        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad(path, $"{tensor}: field 'dtype': expected a string, got a JSON {Describe(dtypeElement.ValueKind)}");
        var dtype = dtypeElement.GetString()!;
        if (!SafeTensorsDType.IsSupported(dtype))
            throw Bad(path, $"{tensor}: field 'dtype': unknown dtype {Quote(dtype)} (expected one of {SafeTensorsDType.SupportedList})");

        var shape = Integers(path, tensor, entry, "shape");
        if (shape.Any(d => d < 0))
            throw Bad(path, $"{tensor}: field 'shape': dimensions must not be negative, got {Show(shape)}");

        var offsets = Integers(path, tensor, entry, "data_offsets");
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw Bad(path, $"{tensor}: field 'data_offsets': expected [begin, end] with 0 <= begin <= end, got {Show(offsets)}");
        var (begin, end) = (offsets[0], offsets[1]);

        if (!SafeTensorsDType.TryGetByteLength(dtype, shape, out var byteLength))
            throw Bad(path, $"{tensor}: field 'shape': {Show(shape)} of {dtype} is too large to address");
        if (end - begin != byteLength)
            throw Bad(path, $"{tensor}: field 'data_offsets': {Show(offsets)} spans {end - begin} bytes, but shape {Show(shape)} of {dtype} needs {byteLength}");
        if (end > bufferLength)
            throw Bad(path, $"{tensor}: field 'data_offsets': {Show(offsets)} runs past the end of the {bufferLength}-byte data buffer");
        if (byteLength > Array.MaxLength)
            throw Bad(path, $"{tensor}: {byteLength} bytes is more than one array can hold");
        return new Slot(name, dtype, shape, begin, end);
    }

    static JsonElement Field(string path, string tensor, JsonElement entry, string field) =>
        entry.TryGetProperty(field, out var value) ? value : throw Bad(path, $"{tensor}: missing field '{field}'");

    static long[] Integers(string path, string tensor, JsonElement entry, string field)
    {
        var element = Field(path, tensor, entry, field);
        if (element.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"{tensor}: field '{field}': expected an array of integers, got a JSON {Describe(element.ValueKind)}");
        var values = new long[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i]))
                throw Bad(path, $"{tensor}: field '{field}': expected an array of integers, but item {i} is not a 64-bit integer");
            i++;
        }
        return values;
    }

    static void CheckCoverage(string path, List<Slot> slots, long bufferLength)
    {
        long covered = 0;
        Slot? previous = null;
        foreach (var slot in slots)
        {
            if (slot.Begin < covered)
                throw Bad(path, $"tensor {Quote(slot.Name)}: data_offsets [{slot.Begin}, {slot.End}] overlap tensor {Quote(previous!.Name)} at [{previous.Begin}, {previous.End}]");
            if (slot.Begin > covered)
                throw Bad(path, $"tensor {Quote(slot.Name)}: data_offsets [{slot.Begin}, {slot.End}] leave a gap: bytes [{covered}, {slot.Begin}) of the data buffer belong to no tensor");
            covered = slot.End;
            previous = slot;
        }
        if (covered < bufferLength)
        {
            var after = previous is null ? "no tensor is declared" : $"the last tensor {Quote(previous.Name)} ends at {covered}";
            throw Bad(path, $"{bufferLength - covered} trailing bytes after the tensor data ({after}, the data buffer is {bufferLength} bytes)");
        }
    }

    static BadInputException Bad(string path, string problem) => new($"{path}: {problem}");

    static string Show(long[] values) => $"[{string.Join(", ", values)}]";

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
