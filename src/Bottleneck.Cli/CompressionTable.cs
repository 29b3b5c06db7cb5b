using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Compression;
using Spectre.Console;

namespace Bottleneck.Cli;

/// <summary>Prints a <see cref="CompressionReport"/> for people (a table) or machines (one JSON object).</summary>
internal static class CompressionTable
{
    public static JsonObject Json(CompressionReport r, bool images) => new()
    {
        ["samples"] = r.Samples, ["sample_values"] = r.SampleValues, ["code_values"] = r.CodeValues, ["precision"] = r.Precision.Name(),
        ["file_bytes"] = r.FileBytes, ["header_bytes"] = r.HeaderBytes, ["payload_bytes"] = r.PayloadBytes,
        ["raw_float32_bytes"] = r.RawFloat32Bytes, ["ratio_to_float32"] = r.RatioToFloat32,
        ["uint8_bytes"] = images ? r.Uint8Bytes : null, ["ratio_to_uint8"] = images ? r.RatioToUint8 : null,
        ["code_ratio"] = r.CodeRatio, ["savings_percent"] = r.SavingsPercent,
        ["mse"] = r.Mse, ["psnr"] = r.Psnr, ["float32_codes_mse"] = r.Float32Mse, ["float32_codes_psnr"] = r.Float32Psnr,
        ["max_code_error"] = r.MaxCodeError,
        ["units"] = new JsonObject { ["mse"] = "mean per value", ["psnr"] = "dB, 10·log10(1/mse) for data in [0, 1]", ["ratios"] = "original bytes / file bytes (header included)" },
    };

    public static void Print(CompressionReport r, bool images, string fileName)
    {
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("codes", $"{N(r.Samples)} × {N(r.CodeValues)} values, {r.Precision.Name()} (from {N(r.SampleValues)} values a sample)");
        table.AddRow(Markup.Escape(fileName), $"{N(r.FileBytes)} bytes ({N(r.HeaderBytes)} header + {N(r.PayloadBytes)} codes)");
        table.AddRow("data as float32", $"{N(r.RawFloat32Bytes)} bytes → ratio {F(r.RatioToFloat32, "0.##")}× (savings {F(r.SavingsPercent, "F1")}%)");
        if (images) table.AddRow("data as 8-bit images", $"{N(r.Uint8Bytes)} bytes → ratio {F(r.RatioToUint8, "0.##")}×");
        table.AddRow("values per code (d / k)", $"{N(r.SampleValues)} / {N(r.CodeValues)} = {F(r.CodeRatio, "0.####")}");
        if (r.Mse is double mse) table.AddRow("restored data: MSE (mean per value)", F(mse, "G5"));
        if (r.Psnr is double psnr) table.AddRow("restored data: PSNR", F(psnr, "F2") + " dB");
        if (r.Float32Psnr is double p32 && r.Precision != CodePrecision.Float32) table.AddRow("  with float32 codes (the model alone)", F(p32, "F2") + " dB");
        if (r.MaxCodeError is double e) table.AddRow("largest change of a code value", F(e, "G4"));
        AnsiConsole.Write(table);
    }
}
