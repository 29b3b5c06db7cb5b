using System.Runtime.InteropServices;
using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>Runs a model's encoder or decoder over many samples in batches: codes for a dataset, reconstructions for codes.</summary>
internal static class Codes
{
    /// <summary>h = f(x) for every sample of <paramref name="data"/>, as an array [N, ...code shape].</summary>
    public static NumericArray Encode(Autoencoder model, Dataset data, int batchSize = 1000)
    {
        model.eval();
        using var noGrad = no_grad();
        long codeSize = model.CodeShape.Aggregate(1L, (a, b) => a * b);
        var values = new float[data.Count * codeSize];
        // One tensor holds every batch, filled in place (Dataset.CopyBatch), rather than a new one a batch.
        using var batch = empty([Math.Max(1, Math.Min(batchSize, data.Count)), .. data.SampleShape], ScalarType.Float32);
        foreach (var (start, n) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var x = batch.narrow(0, 0, n);
            data.CopyBatch(start, n, x);
            MemoryMarshal.Cast<byte, float>(model.Encode(x).contiguous().bytes).CopyTo(values.AsSpan((int)(start * codeSize), (int)(n * codeSize)));
        }
        return NumericArray.FromFloats([data.Count, .. model.CodeShape.Select(d => (int)d)], values);
    }

    /// <summary>Mean code activation over a dataset: the figure sparsity penalties push down (§3.3.4).</summary>
    public static double MeanActivation(Autoencoder model, Dataset data, int batchSize = 1000)
    {
        model.eval();
        using var noGrad = no_grad();
        double sum = 0;
        long count = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            var code = model.Encode(data.Batch(start, n));
            sum += code.sum().to_type(ScalarType.Float64).item<double>();
            count += code.numel();
        }
        return sum / count;
    }

    /// <summary>x̂ = g(h) for every code in <paramref name="codes"/> ([N, ...code shape]), as an array [N, ...input shape].</summary>
    public static NumericArray Decode(Autoencoder model, NumericArray codes, string source, int batchSize = 1000)
    {
        long codeSize = model.CodeShape.Aggregate(1L, (a, b) => a * b);
        if (codes.Shape.Length < 2 || codes.SampleLength != codeSize)
            throw new BadInputException($"{source}: codes have shape [{string.Join(", ", codes.Shape)}], but the model's code has {codeSize} values (expected [N, {string.Join(", ", model.CodeShape)}])");
        var flat = codes.ToFloats();
        if (flat.Any(v => !float.IsFinite(v))) throw new BadInputException($"{source}: codes contain NaN or infinity");
        model.eval();
        using var noGrad = no_grad();
        long inputSize = model.InputShape.Aggregate(1L, (a, b) => a * b);
        var values = new float[codes.Count * inputSize];
        foreach (var (start, n) in Batches.Of(codes.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = tensor(flat.AsSpan((int)(start * codeSize), (int)(n * codeSize)).ToArray(), [n, .. model.CodeShape]);
            model.Decode(batch).contiguous().data<float>().CopyTo(values, (int)(start * inputSize));
        }
        return NumericArray.FromFloats([codes.Count, .. model.InputShape.Select(d => (int)d)], values);
    }
}
