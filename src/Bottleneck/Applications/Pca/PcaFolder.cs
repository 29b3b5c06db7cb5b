using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Persistence;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// A fitted PCA saved as a model folder: model.json and weights.safetensors hold it as the equivalent linear
/// autoencoder (so encode, decode, evaluate and reconstruct take it like any model), and <c>pca.safetensors</c> holds
/// the exact float64 mean, components and variance spectrum (the tensors sklearn calls mean_, components_ and
/// explained_variance_), with the sample count, sample shape and method as metadata.
/// </summary>
internal static class PcaFolder
{
    public const string PcaFile = "pca.safetensors";

    /// <summary>True when <paramref name="directory"/> holds a saved PCA.</summary>
    public static bool IsPcaFolder(string directory) => File.Exists(Path.Combine(directory, PcaFile));

    /// <summary>Writes pca.safetensors, then the model folder (model.json last, with a "pca" summary and <paramref name="extra"/>).</summary>
    public static void Save(PrincipalComponents pca, string directory, IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        Directory.CreateDirectory(directory);
        using (var mean = pca.Mean)
        using (var components = pca.Components)
        {
            SafeTensorsFile.Write(Path.Combine(directory, PcaFile),
            [
                Float64("mean", mean.shape, mean.data<double>().ToArray()),
                Float64("components", components.shape, components.data<double>().ToArray()),
                Float64("spectrum", [pca.Spectrum.Count], pca.Spectrum.ToArray()),
            ], new Dictionary<string, string>
            {
                ["samples"] = pca.Samples.ToString(CultureInfo.InvariantCulture),
                ["sample_shape"] = string.Join(",", pca.SampleShape),
                ["method"] = MethodName(pca.Method),
                ["producer"] = "bottleneck " + LibraryInfo.Version,
            });
        }
        var manifest = new Dictionary<string, JsonNode?>
        {
            ["pca"] = new JsonObject
            {
                ["file"] = PcaFile,
                ["components"] = pca.ComponentCount,
                ["samples"] = pca.Samples,
                ["method"] = MethodName(pca.Method),
                ["explained_variance_ratio"] = pca.ExplainedVarianceRatioTotal,
                ["training_mse"] = pca.TrainingMse,
            },
        };
        if (extra is not null)
            foreach (var (key, value) in extra) manifest[key] = value;
        using var model = pca.ToAutoencoder();
        ModelFolder.Save(model, directory, manifest);
    }

    /// <summary>Loads the PCA of a folder written by <see cref="Save"/>, checking every shape.</summary>
    public static PrincipalComponents Load(string directory)
    {
        var path = Path.Combine(directory, PcaFile);
        if (!File.Exists(path)) throw new BadInputException($"{path}: not found (not a folder written by 'bottleneck pca')");
        var (tensors, metadata) = SafeTensorsFile.Read(path);
        var byName = tensors.ToDictionary(t => t.Name);
        TensorEntry Get(string name) => byName.TryGetValue(name, out var t)
            ? t.DType == SafeTensorsDType.Float64 ? t : throw new BadInputException($"{path}: tensor '{name}' has dtype {t.DType}, expected F64")
            : throw new BadInputException($"{path}: tensor '{name}' is missing");
        var mean = Get("mean");
        var components = Get("components");
        var spectrum = Get("spectrum");
        if (mean.Shape.Length != 1 || components.Shape.Length != 2 || components.Shape[1] != mean.Shape[0] || spectrum.Shape.Length != 1
            || components.Shape[0] < 1 || spectrum.Shape[0] < components.Shape[0])
            throw new BadInputException($"{path}: expected mean [d], components [k, d] and spectrum [r ≥ k], got [{string.Join(", ", mean.Shape)}], " +
                $"[{string.Join(", ", components.Shape)}] and [{string.Join(", ", spectrum.Shape)}]");
        if (!metadata.TryGetValue("samples", out var samplesText) || !long.TryParse(samplesText, CultureInfo.InvariantCulture, out var samples) || samples < 2)
            throw new BadInputException($"{path}: metadata 'samples': expected a sample count of at least 2");
        long[] sampleShape;
        try { sampleShape = (metadata.GetValueOrDefault("sample_shape") ?? "").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { throw new BadInputException($"{path}: metadata 'sample_shape': expected sizes separated by commas"); }
        if (sampleShape.Any(d => d < 1) || sampleShape.Aggregate(1L, (a, b) => a * b) != mean.Shape[0])
            throw new BadInputException($"{path}: metadata 'sample_shape' [{string.Join(", ", sampleShape)}] does not hold the mean's {mean.Shape[0]} values");
        var method = metadata.GetValueOrDefault("method") switch
        {
            "svd" => PcaMethod.Svd,
            "covariance" => PcaMethod.Covariance,
            var other => throw new BadInputException($"{path}: metadata 'method': expected svd or covariance, got '{other}'"),
        };
        using var scope = NewDisposeScope();
        var pca = PrincipalComponents.FromParts(tensor(Doubles(mean), mean.Shape), tensor(Doubles(components), components.Shape), Doubles(spectrum), samples, sampleShape, method);
        return pca;
    }

    /// <summary>The name a method has in files and on the command line.</summary>
    public static string MethodName(PcaMethod method) => method == PcaMethod.Svd ? "svd" : "covariance";

    static TensorEntry Float64(string name, long[] shape, double[] values)
    {
        var data = new byte[8L * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        return new TensorEntry(name, SafeTensorsDType.Float64, shape, data);
    }

    static double[] Doubles(TensorEntry entry)
    {
        var values = new double[entry.ElementCount];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(entry.Data.AsSpan(8 * i));
        return values;
    }
}
