using System.Text.Json;
using Bottleneck.Applications.Report;
using Bottleneck.Tests.Cli;
using Xunit;

namespace Bottleneck.Tests.Report;

/// <summary>
/// The report page in a real browser (Debian's Chromium, headless): `bottleneck report --budget quick --only` on two
/// claims that need no training, then every image decodes, nothing overflows at 390 or 1,280 px, every claim row is
/// there, no console error, nothing fetched, and the numbers on the page are report.json's. A second test feeds the
/// checker pages with each fault and asserts it reports each, so a passing page means something.
/// </summary>
public class ReportPageTests
{
    [ChromiumFact]
    public async Task QuickReportReadsRightInABrowser()
    {
        using var folder = new TempFolder();
        var first = CliRunner.Run(folder.Path, "report", "--budget", "quick", "--only", "parameter-counts,bce-example", "--out", "out");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var json = File.ReadAllText(folder["out/report.json"]);

        var problems = await BrowserPageCheck.Problems(folder["out/report.html"], json);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The figures against hand computations: 784·32 + 32 + 32·784 + 784, and −[0.5 ln 0.6 + 0.5 ln 0.4].
        using var report = JsonDocument.Parse(json);
        var claims = report.RootElement.GetProperty("claims");
        Assert.Equal(2, claims.GetArrayLength());
        Assert.Equal(784 * 32 + 32 + 32 * 784 + 784, claims[0].GetProperty("measured")[0].GetProperty("value").GetDouble());
        Assert.Equal(-(0.5 * Math.Log(0.6) + 0.5 * Math.Log(0.4)), claims[1].GetProperty("measured")[0].GetProperty("value").GetDouble(), 12);
        Assert.Equal("corrected", claims[1].GetProperty("verdict").GetString());
    }

    [ChromiumFact]
    public async Task CommittedQuickReportReadsRight()
    {
        // The example the README links to: every claim, every figure, every number as its report.json says.
        var html = RepositoryFile.Find("docs/report/quick/report.html");
        var json = File.ReadAllText(RepositoryFile.Find("docs/report/quick/report.json"));
        var problems = await BrowserPageCheck.Problems(html, json);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(ClaimRegistry.All.Select(c => c.Id), ReportJson.Read(json).Claims.Select(c => c.Id));
        Assert.True(new FileInfo(html).Length < 3_000_000, "the committed page should stay a few MB at most");
    }

    [ChromiumFact]
    public async Task CommittedFullReportReadsRight()
    {
        // The full budget's example, assembled through the cache (rows measured at different times): the same checks.
        var html = RepositoryFile.Find("docs/report/full/report.html");
        var json = File.ReadAllText(RepositoryFile.Find("docs/report/full/report.json"));
        var problems = await BrowserPageCheck.Problems(html, json);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var document = ReportJson.Read(json);
        Assert.Equal(ClaimRegistry.All.Select(c => c.Id), document.Claims.Select(c => c.Id));
        Assert.All(document.Claims, c => Assert.False(c.Reduced, $"{c.Id} was measured at a reduced budget"));
    }

    [ChromiumFact]
    public async Task CheckerReportsEachFault()
    {
        using var folder = new TempFolder();
        var document = ReportTests.Document([ReportTests.Result("first", 0.12346, 4, sd: 0.01), ReportTests.Result("second", 50_992, 0)]);
        var json = ReportJson.Write(document);
        var png = ReportTests.TinyPng();
        var good = HtmlReport.Render(document, _ => png);
        var goodPath = folder.Write("good.html", good);
        var clean = await BrowserPageCheck.Problems(goodPath, json);
        Assert.True(clean.Count == 0, string.Join("\n", clean));

        var broken = good
            .Replace("0.1235", "0.1240", StringComparison.Ordinal)                                     // a number that is not report.json's
            .Replace("data:image/png;base64,", "data:image/png;base64,AAAA", StringComparison.Ordinal)  // images that do not decode
            .Replace("</main>", "<div style=\"width:2000px\">wide</div><script>console.error('boom')</script><img src=\"https://example.invalid/x.png\" alt=\"remote\"></main>", StringComparison.Ordinal)
            .Replace("data-claim=\"second\">", "data-claim=\"renamed\">", StringComparison.Ordinal);   // a claim row missing
        var problems = await BrowserPageCheck.Problems(folder.Write("broken.html", broken), json);
        var all = string.Join("\n", problems);
        Assert.Contains(problems, p => p.Contains("number first #0 value: the page shows 0.1240", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("image does not decode", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("at 390 px: div overflows the viewport", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("at 1280 px: the page scrolls sideways", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("console error: boom", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("network request", StringComparison.Ordinal) && p.Contains("example.invalid", StringComparison.Ordinal));
        Assert.Contains(problems, p => p == "claim row missing: second");
        Assert.True(problems.Count >= 7, all);
    }
}
