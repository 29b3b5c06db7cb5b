// Anomaly detection on rows of a CSV (§8.4): fit on normal rows, flag new ones, compare with their labels.
//   dotnet run --project examples/AnomalyRows -- docs/anomaly/tabular-normal.csv docs/anomaly/tabular-test.csv docs/anomaly/tabular-spec.json
using System.Globalization;
using Bottleneck;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: AnomalyRows NORMAL.csv TEST.csv (last column: 1 = anomaly) MODEL (a preset or spec .json)");
    return 2;
}
var normal = ReadRows(args[0]);
var test = ReadRows(args[1]);
var features = test.Select(r => r[..^1]).ToArray();
var truth = test.Select(r => r[^1] == 1).ToArray();

try
{
    var options = new AnomalyOptions { Training = new FitOptions { Epochs = 30 } };
    using var detector = AnomalyModel.Fit(normal, args[2], options,
        new Progress<FitProgress>(p => Console.WriteLine($"epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, validation {p.ValidationLoss:F4}")));
    Console.WriteLine($"threshold {detector.Threshold:G4} (the {detector.Percentile}th percentile of held-out normal errors)");

    bool[] flagged = detector.Predict(features);
    int hits = flagged.Zip(truth).Count(p => p.First && p.Second);
    Console.WriteLine($"flagged {flagged.Count(f => f)} of {features.Length} rows: " +
        $"{hits} of {truth.Count(t => t)} anomalies (recall {(double)hits / truth.Count(t => t):P1}), " +
        $"precision {(double)hits / Math.Max(1, flagged.Count(f => f)):P1}");
    detector.Save("anomaly-detector");   // bottleneck anomaly score --model anomaly-detector reads it
    return 0;
}
catch (BadInputException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// A header line, then comma-separated numbers.
static float[][] ReadRows(string path) => File.ReadLines(path).Skip(1)
    .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
