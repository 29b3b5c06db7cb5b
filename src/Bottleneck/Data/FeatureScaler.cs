using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>How the columns of tabular data are put on one scale before an autoencoder sees them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScalerKind>))]
internal enum ScalerKind
{
    /// <summary>x' = (x − mean) / std per column (scikit-learn's StandardScaler): every feature in units of its own spread.</summary>
    [JsonStringEnumMemberName("standard")] Standard,

    /// <summary>x' = (x − min) / (max − min) per column (scikit-learn's MinMaxScaler): training rows land in [0, 1].</summary>
    [JsonStringEnumMemberName("minmax")] MinMax,
}

/// <summary>
/// A per-column affine scaling x' = (x − offset) / scale fitted on the training rows and saved with the model, so that
/// scoring applies exactly the transformation the model was trained on. A constant column gets scale 1, as in
/// scikit-learn, instead of a division by zero.
/// </summary>
internal sealed record FeatureScaler(ScalerKind Kind, float[] Offset, float[] Scale)
{
    /// <summary>Parses "standard" or "minmax" (the command line's spelling).</summary>
    public static ScalerKind ParseKind(string text, string field) => text.Trim().ToLowerInvariant() switch
    {
        "standard" => ScalerKind.Standard,
        "minmax" or "min-max" => ScalerKind.MinMax,
        _ => throw new OptionException(field, $"unknown scaler '{text}' (expected standard, minmax or none)"),
    };

    /// <summary>Fits the scaler on every sample of <paramref name="data"/> (statistics in float64, stored as float32).</summary>
    public static FeatureScaler Fit(Dataset data, ScalerKind kind, int batchSize = 4096)
    {
        int width = checked((int)data.SampleSize);
        var sum = new double[width];
        var min = Enumerable.Repeat(double.PositiveInfinity, width).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, width).ToArray();
        ForEachBatch(data, batchSize, batch =>
        {
            Fold(sum, batch.sum([0]), (a, b) => a + b);
            Fold(min, batch.amin([0]), Math.Min);
            Fold(max, batch.amax([0]), Math.Max);
        });
        var mean = sum.Select(s => s / data.Count).ToArray();
        // A second pass over the deviations: E[x²] − E[x]² loses every digit when a column's mean dwarfs its spread.
        var squares = new double[width];
        if (kind == ScalerKind.Standard)
        {
            using var centre = tensor(mean, ScalarType.Float64);
            ForEachBatch(data, batchSize, batch => Fold(squares, (batch - centre).square().sum([0]), (a, b) => a + b));
        }
        var offset = new float[width];
        var scale = new float[width];
        for (int j = 0; j < width; j++)
        {
            // Population standard deviation (ddof = 0), as StandardScaler.
            (double o, double s) = kind == ScalerKind.Standard ? (mean[j], Math.Sqrt(squares[j] / data.Count)) : (min[j], max[j] - min[j]);
            offset[j] = (float)o;
            // A constant column (spread at rounding level) keeps its values' scale instead of being divided by ~0.
            scale[j] = s > 1e-12 * Math.Max(1, Math.Abs(o)) && (float)s > 0 ? (float)s : 1f;
        }
        return new FeatureScaler(kind, offset, scale);
    }

    /// <summary>Number of columns the scaler was fitted on.</summary>
    [JsonIgnore] public int Width => Offset.Length;

    /// <summary>What the scaler does, in words, for model.json's data.scaling; <paramref name="field"/> is where it is saved.</summary>
    public string Describe(string field) => Kind == ScalerKind.Standard
        ? $"standard: (x − mean) / std per column, fitted on the training rows ({field})"
        : $"minmax: (x − min) / (max − min) per column, fitted on the training rows ({field})";

    /// <summary>(x − offset) / scale for a batch [N, width] (or [N, ...] with width values a sample), in float32.</summary>
    public Tensor Apply(Tensor batch)
    {
        using var offset = tensor(Offset);
        using var scale = tensor(Scale);
        return (batch.reshape(batch.shape[0], Width) - offset) / scale;
    }

    /// <summary>x = x' · scale + offset: values the model produced in the scaled space, back in the data's own units.</summary>
    public Tensor Invert(Tensor scaled)
    {
        using var offset = tensor(Offset);
        using var scale = tensor(Scale);
        return scaled.reshape(scaled.shape[0], Width) * scale + offset;
    }

    /// <summary>Reads a scaler saved in model.json; <paramref name="source"/> and <paramref name="field"/> name it in errors.</summary>
    /// <exception cref="BadInputException">The node is malformed, or its offsets and scales differ in length, or a scale is not positive and finite.</exception>
    public static FeatureScaler FromJson(JsonNode node, string source, string field)
    {
        FeatureScaler? scaler;
        try { scaler = node.Deserialize<FeatureScaler>(SnakeCaseJson.Options); }
        catch (JsonException e) { throw new BadInputException($"{source}: field '{field}' is malformed: {e.Message.Split('\n')[0]}"); }
        if (scaler?.Offset is null || scaler.Scale is null || scaler.Offset.Length != scaler.Scale.Length ||
            scaler.Scale.Any(v => !(v > 0) || !float.IsFinite(v)) || scaler.Offset.Any(v => !float.IsFinite(v)))
            throw new BadInputException($"{source}: field '{field}': expected offset and scale of equal length, scales positive and finite");
        return scaler;
    }

    /// <summary>A new float32 dataset holding <paramref name="data"/>'s samples scaled; labels and class names follow.</summary>
    public Dataset Transform(Dataset data, string name)
    {
        if (data.SampleSize != Width)
            throw new BadInputException($"{data.Name}: samples have {data.SampleSize} values, but the scaler was fitted on {Width} columns");
        var scaled = empty([data.Count, Width], ScalarType.Float32);
        scaled.DetachFromDisposeScope();
        for (int start = 0; start < data.Count; start += 4096)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(4096, data.Count - start);
            scaled.narrow(0, start, n).copy_(Apply(data.Batch(start, n)));
        }
        return new Dataset(name, scaled, data.Labels, data.ClassNames);
    }

    static void ForEachBatch(Dataset data, int batchSize, Action<Tensor> use)
    {
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            use(data.Batch(start, n).reshape(n, data.SampleSize).to_type(ScalarType.Float64));
        }
    }

    static void Fold(double[] into, Tensor values, Func<double, double, double> combine)
    {
        var v = values.contiguous().data<double>().ToArray();
        for (int j = 0; j < into.Length; j++) into[j] = combine(into[j], v[j]);
    }
}
