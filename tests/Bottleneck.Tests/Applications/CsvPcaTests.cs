using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>PCA streamed from a CSV file chunk by chunk equals PCA by SVD of the whole matrix in memory.</summary>
public class CsvPcaTests
{
    // 300 rows of 6 correlated columns: three latent factors mixed, plus a little noise, with a header.
    static (string Path, float[] Values) WriteCsv(TempFolder folder)
    {
        var random = new Random(7);
        var values = new float[300 * 6];
        var text = new StringBuilder("a,b,c,d,e,f\n");
        for (int i = 0; i < 300; i++)
        {
            double f1 = random.NextDouble() * 4, f2 = random.NextDouble(), f3 = random.NextDouble() * 0.5;
            double[] row = [f1 + f2, f1 - f2, 2 * f3 + 1, f1 + f3, f2 - f3, 0.1 * random.NextDouble()];
            for (int j = 0; j < 6; j++) values[i * 6 + j] = (float)row[j];
            text.AppendLine(string.Join(',', row.Select(v => ((float)v).ToString("R", CultureInfo.InvariantCulture))));
        }
        return (folder.Write("rows.csv", text.ToString()), values);
    }

    [Theory]
    [InlineData(7)]      // many chunks, the last one short
    [InlineData(8192)]   // one chunk
    public void Streaming_in_chunks_gives_the_svd_spectrum_and_subspace(int chunkRows)
    {
        using var folder = new TempFolder();
        var (path, values) = WriteCsv(folder);
        var fit = CsvPca.Fit(path, new CsvReadOptions(), components: 3, chunkRows: chunkRows);
        using var streamed = fit.Pca;
        using var data = new Dataset("rows", tensor(values, [300, 6]));
        using var exact = PrincipalComponents.FitSvd(data, 3);

        Assert.Equal(300, streamed.Samples);
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f" }, fit.FeatureNames);
        for (int i = 0; i < 6; i++) Assert.Equal(exact.Spectrum[i], streamed.Spectrum[i], 4);
        Assert.Equal(exact.TrainingMse, streamed.TrainingMse, 5);
        // Same components up to rounding: both flip signs the same way, so compare directly.
        Assert.True((streamed.Components - exact.Components).abs().max().item<double>() < 1e-3);
        Assert.Equal(values.Min(), fit.Minimum, 5);
        Assert.Equal(values.Max(), fit.Maximum, 5);
    }

    [Fact]
    public void Limit_reads_only_the_first_rows()
    {
        using var folder = new TempFolder();
        var (path, values) = WriteCsv(folder);
        var fit = CsvPca.Fit(path, new CsvReadOptions(), components: 2, limit: 50, chunkRows: 16);
        using var streamed = fit.Pca;
        using var data = new Dataset("rows", tensor(values[..(50 * 6)], [50, 6]));
        using var exact = PrincipalComponents.FitSvd(data, 2);
        Assert.Equal(50, streamed.Samples);
        Assert.Equal(exact.Spectrum[0], streamed.Spectrum[0], 4);
    }

    [Fact]
    public void The_pca_command_streams_a_csv_and_reports_the_optimum_it_reaches()
    {
        using var folder = new TempFolder();
        var (path, _) = WriteCsv(folder);
        var streamed = CliRunner.Run(folder.Path, "pca", "--data", path, "--components", "3", "--out", "streamed", "--json");
        Assert.True(streamed.ExitCode == 0, streamed.Stderr);
        var svd = CliRunner.Run(folder.Path, "pca", "--data", path, "--components", "3", "--method", "svd", "--out", "svd", "--json");
        Assert.True(svd.ExitCode == 0, svd.Stderr);
        var a = JsonNode.Parse(streamed.Stdout.Trim().Split('\n')[^1])!;
        var b = JsonNode.Parse(svd.Stdout.Trim().Split('\n')[^1])!;
        Assert.True((bool)a["streamed"]!);
        Assert.False((bool)b["streamed"]!);
        Assert.Equal((double)b["train_mse"]!, (double)a["train_mse"]!, 5);
        Assert.True(File.Exists(folder.File("streamed/weights.safetensors")));
    }

    [Fact]
    public void More_components_than_columns_is_bad_input()
    {
        using var folder = new TempFolder();
        var (path, _) = WriteCsv(folder);
        CliRunner.Fails(folder, "components", "pca", "--data", path, "--components", "9", "--out", "out");
    }
}
