using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Compression;

/// <summary>
/// What storing codes instead of data saves and costs (§8.5): sizes in bytes, the ratios against the data as float32
/// (the chapter's 784·4 = 3,136 bytes against 32·4 = 128, §8.5) and as 8-bit images (how MNIST is actually
/// shipped), and the quality of the data decoded from the stored codes.
/// </summary>
internal sealed record CompressionReport
{
    public required long Samples { get; init; }

    /// <summary>Values in one data sample (d = 784 for MNIST).</summary>
    public required long SampleValues { get; init; }

    /// <summary>Values in one code (k).</summary>
    public required long CodeValues { get; init; }

    public required CodePrecision Precision { get; init; }
    public required long FileBytes { get; init; }
    public required long HeaderBytes { get; init; }
    public required long PayloadBytes { get; init; }

    /// <summary>The data as float32: N·d·4 bytes.</summary>
    public long RawFloat32Bytes => Samples * SampleValues * 4;

    /// <summary>The data as 8-bit images: N·d bytes (meaningful for image data).</summary>
    public long Uint8Bytes => Samples * SampleValues;

    /// <summary>d / k: the code's ratio at equal precision, the chapter's "compression ratio" (784/32 = 24.5, §2.2).</summary>
    public double CodeRatio => (double)SampleValues / CodeValues;

    /// <summary>Float32 data bytes over the file's bytes (header included).</summary>
    public double RatioToFloat32 => (double)RawFloat32Bytes / FileBytes;

    /// <summary>8-bit image bytes over the file's bytes (header included).</summary>
    public double RatioToUint8 => (double)Uint8Bytes / FileBytes;

    /// <summary>Space savings against float32 data, 100·(1 − compressed/original) % (§8.5).</summary>
    public double SavingsPercent => 100 * (1 - (double)FileBytes / RawFloat32Bytes);

    /// <summary>MSE per value between the data and its reconstruction from the stored codes; null when the data was not available.</summary>
    public double? Mse { get; init; }

    /// <summary>PSNR in dB of that reconstruction (MAX = 1, for data in [0, 1]); null when not measured or the data is not in [0, 1].</summary>
    public double? Psnr { get; init; }

    /// <summary>The same figures from the float32 codes: what the model itself loses, before any rounding of codes.</summary>
    public double? Float32Mse { get; init; }
    public double? Float32Psnr { get; init; }

    /// <summary>Largest change of a code value caused by the stored precision.</summary>
    public double? MaxCodeError { get; init; }
}

/// <summary>Encodes a dataset into a code file, and decodes a code file back into data (§8.5's compression pipeline).</summary>
internal static class CodeCompression
{
    /// <summary>
    /// Encodes every sample of <paramref name="data"/>, writes the codes at <paramref name="precision"/> to
    /// <paramref name="path"/>, and measures the data decoded from the stored codes against the original.
    /// </summary>
    public static CompressionReport Compress(Autoencoder model, byte[] modelSha256, Dataset data, CodePrecision precision, string path)
    {
        var codes = Codes.Encode(model, data);
        var original = codes.ToFloats();
        var file = CodeFile.Write(path, original, model.CodeShape.Select(d => checked((int)d)).ToArray(), precision, modelSha256);
        double maxError = 0;
        for (int i = 0; i < original.Length; i++) maxError = Math.Max(maxError, Math.Abs(original[i] - file.Codes[i]));
        var (mse, psnr) = Quality(model, file.Codes, data);
        var (mse32, psnr32) = precision == CodePrecision.Float32 ? (mse, psnr) : Quality(model, original, data);
        return new CompressionReport
        {
            Samples = data.Count, SampleValues = data.SampleSize, CodeValues = file.CodeSize, Precision = precision,
            FileBytes = new FileInfo(path).Length, HeaderBytes = file.HeaderBytes, PayloadBytes = file.PayloadBytes,
            Mse = mse, Psnr = psnr, Float32Mse = mse32, Float32Psnr = psnr32, MaxCodeError = maxError,
        };
    }

    /// <summary>
    /// Decodes the codes of <paramref name="file"/> with <paramref name="model"/>; with <paramref name="original"/>
    /// (the data they were made from) the report includes the reconstruction's MSE and PSNR.
    /// </summary>
    /// <exception cref="BadInputException">The codes do not fit the model, were written by different weights, or the original has another count.</exception>
    public static (NumericArray Decoded, CompressionReport Report) Decompress(Autoencoder model, byte[] modelSha256, CodeFile file, string source, Dataset? original)
    {
        if (!file.CodeShape.Select(d => (long)d).SequenceEqual(model.CodeShape))
            throw new BadInputException($"{source}: codes of shape [{string.Join(", ", file.CodeShape)}], but the model's code is [{string.Join(", ", model.CodeShape)}]");
        if (file.ModelSha256.Any(b => b != 0) && !file.ModelSha256.SequenceEqual(modelSha256))
            throw new BadInputException($"{source}: written by a model with other weights (SHA-256 {Convert.ToHexStringLower(file.ModelSha256)[..12]}…, " +
                                        $"this model's is {Convert.ToHexStringLower(modelSha256)[..12]}…); decode with the model that wrote the codes");
        if (original is not null && original.Count != file.Count)
            throw new OptionException("data", $"{original.Name} has {original.Count:N0} samples, but {source} holds {file.Count:N0} codes (give the same `split` and `limit` as when compressing)");
        if (original is not null) Training.DataFit.Check(model, original);
        var decoded = Codes.Decode(model, NumericArray.FromFloats([checked((int)file.Count), .. file.CodeShape], file.Codes), source);
        var (mse, psnr) = original is null ? (null, null) : Quality(decoded.ToFloats(), original);
        var report = new CompressionReport
        {
            Samples = file.Count, SampleValues = model.InputShape.Aggregate(1L, (a, b) => a * b), CodeValues = file.CodeSize,
            Precision = file.Precision, FileBytes = file.FileBytes, HeaderBytes = file.HeaderBytes, PayloadBytes = file.PayloadBytes,
            Mse = mse, Psnr = psnr,
        };
        return (decoded, report);
    }

    static (double? Mse, double? Psnr) Quality(Autoencoder model, float[] codes, Dataset data)
    {
        var decoded = Codes.Decode(model, NumericArray.FromFloats([data.Count, .. model.CodeShape.Select(d => (int)d)], codes), "codes");
        return Quality(decoded.ToFloats(), data);
    }

    /// <summary>MSE per value of <paramref name="decoded"/> against <paramref name="data"/>, and PSNR when the data lies in [0, 1].</summary>
    static (double? Mse, double? Psnr) Quality(float[] decoded, Dataset data, int batchSize = 1000)
    {
        double sum = 0;
        foreach (var (start, n) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var x = data.Batch(start, n).reshape(n, data.SampleSize).to_type(ScalarType.Float64);
            var y = tensor(decoded.AsSpan((int)(start * data.SampleSize), (int)(n * data.SampleSize)).ToArray(), [n, data.SampleSize]).to_type(ScalarType.Float64);
            sum += (x - y).square().sum().item<double>();
        }
        double mse = sum / ((double)data.Count * data.SampleSize);
        var (min, max) = data.Range();
        return (mse, min >= 0 && max <= 1 ? ReconstructionMetrics.PsnrFromMse(mse) : null);
    }
}
