// Generates the synthetic tabular anomaly-detection set of docs/anomaly (run from the repository root):
//   dotnet run docs/anomaly/make-tabular.cs
// Normal rows are 16 sensor readings driven by 3 hidden factors through non-linear maps (so a non-linear model has
// something to gain over PCA), each column in its own units and scale (so the data needs a scaler), plus a little
// noise. The test file mixes normal rows with three kinds of anomaly, 1 in 10, labelled y = 1:
//   swapped  — 4 readings copied from another normal row: every value is plausible on its own, the combination is not;
//   drifted  — the hidden factors pushed 3 standard deviations along a random direction (a machine in an unusual state);
//   spiked   — one reading off by 6 of its standard deviations (a faulty sensor).
// System.Random with a seed gives the same sequence on every .NET version, so the files are reproducible.
using System.Globalization;
using System.Text;

const int Features = 16, Factors = 3;
var random = new Random(20240607);
double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

// Each reading: centre + spread · (tanh(w·z + b) + q·(v·z)²) + noise, with per-column centre and spread.
var w = new double[Features, Factors];
var v = new double[Features, Factors];
var b = new double[Features];
var q = new double[Features];
var centre = new double[Features];
var spread = new double[Features];
for (int j = 0; j < Features; j++)
{
    for (int k = 0; k < Factors; k++) { w[j, k] = Gaussian() * 0.8; v[j, k] = Gaussian() * 0.5; }
    b[j] = Gaussian() * 0.3;
    q[j] = random.NextDouble() < 0.5 ? 0 : 0.5;
    centre[j] = Math.Round(Math.Pow(10, random.NextDouble() * 4 - 1), 2);      // 0.1 .. 1000: units differ
    spread[j] = centre[j] * (0.05 + 0.2 * random.NextDouble());
}

double[] Row(double[] z)
{
    var x = new double[Features];
    for (int j = 0; j < Features; j++)
    {
        double linear = b[j], square = 0;
        for (int k = 0; k < Factors; k++) { linear += w[j, k] * z[k]; square += v[j, k] * z[k]; }
        x[j] = centre[j] + spread[j] * (Math.Tanh(linear) + q[j] * square * square + 0.03 * Gaussian());
    }
    return x;
}
double[] Factors3() => [Gaussian(), Gaussian(), Gaussian()];

// The columns' own spread over normal data, for the spike size.
var sample = Enumerable.Range(0, 5000).Select(_ => Row(Factors3())).ToArray();
var std = Enumerable.Range(0, Features).Select(j =>
{
    double m = sample.Average(r => r[j]);
    return Math.Sqrt(sample.Average(r => (r[j] - m) * (r[j] - m)));
}).ToArray();

string Line(double[] x, int? y) =>
    string.Join(",", x.Select(value => value.ToString("G6", CultureInfo.InvariantCulture))) + (y is int label ? "," + label : "");
string Header(bool label) => string.Join(",", Enumerable.Range(0, Features).Select(j => $"s{j:00}")) + (label ? ",y" : "");

var train = new StringBuilder(Header(false) + "\n");
for (int i = 0; i < 4000; i++) train.Append(Line(Row(Factors3()), null)).Append('\n');

var test = new List<(double[] X, int Y, string Kind)>();
for (int i = 0; i < 1800; i++) test.Add((Row(Factors3()), 0, "normal"));
for (int i = 0; i < 200; i++)
{
    string kind = (i % 3) switch { 0 => "swapped", 1 => "drifted", _ => "spiked" };
    double[] x;
    if (kind == "swapped")
    {
        x = Row(Factors3());
        var donor = Row(Factors3());
        foreach (var j in Enumerable.Range(0, Features).OrderBy(_ => random.Next()).Take(4)) x[j] = donor[j];
    }
    else if (kind == "drifted")
    {
        var z = Factors3();
        var direction = Factors3();
        double norm = Math.Sqrt(direction.Sum(d => d * d));
        x = Row(z.Select((value, k) => value + 3 * direction[k] / norm).ToArray());
    }
    else
    {
        x = Row(Factors3());
        int j = random.Next(Features);
        x[j] += (random.Next(2) == 0 ? -6 : 6) * std[j];
    }
    test.Add((x, 1, kind));
}
var shuffled = test.OrderBy(_ => random.Next()).ToList();
var testText = new StringBuilder(Header(true) + "\n");
foreach (var row in shuffled) testText.Append(Line(row.X, row.Y)).Append('\n');

var folder = Path.Combine("docs", "anomaly");
File.WriteAllText(Path.Combine(folder, "tabular-normal.csv"), train.ToString());
File.WriteAllText(Path.Combine(folder, "tabular-test.csv"), testText.ToString());
File.WriteAllText(Path.Combine(folder, "tabular-test-kinds.csv"), "row,kind\n" + string.Join("\n", shuffled.Select((r, i) => $"{i},{r.Kind}")) + "\n");
Console.WriteLine($"wrote 4,000 normal training rows and 2,000 test rows (200 anomalies) of {Features} readings to {folder}");
