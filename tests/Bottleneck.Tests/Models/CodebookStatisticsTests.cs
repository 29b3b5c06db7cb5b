using Bottleneck.Models.Vq;
using Xunit;

namespace Bottleneck.Tests.Models;

public class CodebookStatisticsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    public void A_uniform_histogram_over_m_codes_has_perplexity_m(int m)
    {
        var counts = new long[64];
        for (int k = 0; k < m; k++) counts[k] = 37;
        var statistics = new CodebookStatistics(counts);
        Assert.Equal(m, statistics.Perplexity, 9);
        Assert.Equal(m, statistics.CodesUsed);
        Assert.Equal(m / 64.0, statistics.Usage, 12);
    }

    [Fact]
    public void An_uneven_histogram_has_the_exponential_of_its_entropy()
    {
        // p = (1/2, 1/4, 1/4): H = ½ ln 2 + 2 · ¼ ln 4 = 1.5 ln 2, so exp(H) = 2^1.5 = 2.8284271.
        var statistics = new CodebookStatistics([200, 100, 100, 0]);
        Assert.Equal(Math.Pow(2, 1.5), statistics.Perplexity, 9);
        Assert.Equal(0.75, statistics.Usage);
    }
}
