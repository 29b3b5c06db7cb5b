// Codes as search keys (§5): train an autoencoder on rows, encode them, and find each query's nearest rows by code.
//   dotnet run --project examples/NearestRows -- docs/anomaly/tabular-normal.csv docs/anomaly/tabular-spec.json
using System.Globalization;
using Bottleneck;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: NearestRows ROWS.csv MODEL (a preset or spec .json with a linear output)");
    return 2;
}
var rows = Standardised(File.ReadLines(args[0]).Skip(1)
    .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray());

using var model = AutoencoderModel.Create(args[1], [rows[0].Length]);
var report = model.Fit(rows, new FitOptions { Epochs = 30 });
Console.WriteLine($"trained {report.EpochsRun} epochs, best validation MSE {report.BestValidationLoss:F4}; codes of {model.CodeSize} values");

float[][] codes = model.Encode(rows);
for (int query = 0; query < 3; query++)
{
    var nearest = Enumerable.Range(0, rows.Length).Where(i => i != query)
        .OrderBy(i => Distance(codes[query], codes[i])).Take(3).ToArray();
    Console.WriteLine($"row {query}: nearest rows {string.Join(", ", nearest)} " +
        $"(code distances {string.Join(", ", nearest.Select(i => Distance(codes[query], codes[i]).ToString("F3")))}; " +
        $"their input distances {string.Join(", ", nearest.Select(i => Distance(rows[query], rows[i]).ToString("F2")))})");
}
return 0;

static float Distance(float[] a, float[] b) => MathF.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());

// Each column to mean 0 and standard deviation 1, so that no column's units dominate the squared error.
static float[][] Standardised(float[][] rows)
{
    int width = rows[0].Length;
    var mean = Enumerable.Range(0, width).Select(j => rows.Average(r => r[j])).ToArray();
    var std = Enumerable.Range(0, width).Select(j => MathF.Sqrt(rows.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])))).ToArray();
    return rows.Select(r => r.Select((v, j) => (v - mean[j]) / std[j]).ToArray()).ToArray();
}
