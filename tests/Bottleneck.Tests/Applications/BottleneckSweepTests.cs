using Bottleneck.Applications.Compression;
using Xunit;

namespace Bottleneck.Tests.Applications;

public class BottleneckSweepTests
{
    [Fact]
    public void Code_sizes_parse_sorted_and_distinct()
    {
        Assert.Equal([8, 16, 32, 64, 128, 256], BottleneckSweep.ParseSizes("256, 8,16,32,64,128,16"));
        Assert.Contains("'x' is not a positive whole number", Assert.Throws<OptionException>(() => BottleneckSweep.ParseSizes("8,x")).Message);
        Assert.Throws<OptionException>(() => BottleneckSweep.ParseSizes("0,8"));
        Assert.Throws<OptionException>(() => BottleneckSweep.ParseSizes("-8"));
        Assert.Throws<OptionException>(() => BottleneckSweep.ParseSizes(" , "));
    }

    [Fact]
    public void The_elbow_is_the_point_farthest_below_the_chord_on_log2_k()
    {
        // Loss falls fast up to k = 32, then barely: the knee is at 32.
        (int, double)[] curve = [(8, 0.30), (16, 0.20), (32, 0.12), (64, 0.11), (128, 0.105), (256, 0.10)];
        Assert.Equal(32, BottleneckSweep.Elbow(curve));
        // A straight line in log2 k has no point below its chord.
        Assert.Null(BottleneckSweep.Elbow([(8, 0.4), (16, 0.3), (32, 0.2), (64, 0.1)]));
        Assert.Null(BottleneckSweep.Elbow([(8, 0.4), (16, 0.3)]));
    }
}
