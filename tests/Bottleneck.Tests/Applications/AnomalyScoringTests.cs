using System.Globalization;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Tests.Cli;
using Xunit;

namespace Bottleneck.Tests.Applications;

/// <summary>
/// `anomaly score` writes what it wrote before its score path was made one pass per batch: the scores.csv files in
/// Fixtures/scoring were written by the earlier code (see its README). Scores agree to 1e-6 relative, and rows, flags
/// and labels are identical, whatever the chunk size.
/// </summary>
public class AnomalyScoringTests
{
    static readonly string TabularCsv = Path.Combine(TestData.RepositoryRoot, "docs", "anomaly", "tabular-test.csv");

    static void AssertSameAsBefore(string expectedFile, string writtenFile)
    {
        var expected = File.ReadAllLines(BatchScorerTests.Fixture(expectedFile));
        var written = File.ReadAllLines(writtenFile);
        Assert.Equal(expected[0], written[0]);
        Assert.Equal(expected.Length, written.Length);
        for (int i = 1; i < expected.Length; i++)
        {
            var (before, now) = (expected[i].Split(','), written[i].Split(','));
            double a = double.Parse(before[1], CultureInfo.InvariantCulture), b = double.Parse(now[1], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(a - b) <= 1e-6 * Math.Abs(a), $"{expectedFile} line {i + 1}: score {now[1]}, before {before[1]}");
            // row number, anomaly flag and label
            Assert.Equal(before.Where((_, k) => k != 1), now.Where((_, k) => k != 1));
        }
    }

    [Theory]
    [InlineData("images-detector", AnomalyScoring.DefaultChunkRows)]
    [InlineData("images-detector", 64)]      // 103 rows: 64 + 39
    [InlineData("tabular-detector", AnomalyScoring.DefaultChunkRows)]
    [InlineData("tabular-detector", 64)]     // 2,000 rows: 31 × 64 + 16
    [InlineData("tabular-detector", 1024)]   // 1,024 + 976
    public void A_csv_is_scored_as_before_at_any_chunk_size(string detectorName, int chunkRows)
    {
        using var folder = new TempFolder();
        using var detector = AnomalyDetector.Load(BatchScorerTests.Fixture(detectorName));
        bool tabular = detectorName == "tabular-detector";
        var csv = tabular ? TabularCsv : BatchScorerTests.Fixture("images-test.csv");
        var summary = AnomalyScoring.ScoreCsv(detector, csv, new CsvReadOptions { LabelColumn = tabular ? "y" : null }, folder["scores.csv"], chunkRows);
        AssertSameAsBefore(tabular ? "tabular-test.scores.csv" : "images-test.csv.scores.csv", folder["scores.csv"]);
        Assert.Equal((tabular ? 2000 : 103, tabular ? 264 : 9), (summary.Rows, summary.Flagged));
    }

    [Fact]
    public void Images_in_memory_and_the_command_line_score_as_before()
    {
        using var folder = new TempFolder();
        using (var detector = AnomalyDetector.Load(BatchScorerTests.Fixture("images-detector")))
        using (var images = DataSource.Load(BatchScorerTests.Fixture("images-test.npy")))
            AnomalyScoring.ScoreDataset(detector, images.Train, folder["npy.csv"]);
        AssertSameAsBefore("images-test.npy.scores.csv", folder["npy.csv"]);

        var run = CliRunner.Run(folder.Path, "anomaly", "score", "--model", BatchScorerTests.Fixture("tabular-detector"), "--data", TabularCsv,
            "--label-column", "y", "--out", "cli.csv", "--chunk-rows", "333");
        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertSameAsBefore("tabular-test.scores.csv", folder["cli.csv"]);
    }
}
