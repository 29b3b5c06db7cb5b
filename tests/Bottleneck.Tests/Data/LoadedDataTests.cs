using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

/// <summary>Choosing the part --split names: an explicit "test" never quietly becomes the training part.</summary>
public class LoadedDataTests
{
    [Fact]
    public void Test_IsTheTestPart_WhenThereIsOne()
    {
        using var loaded = new LoadedData("d", "d", TestData.Bytes(8, name: "train"), TestData.Bytes(4, name: "test"));

        Assert.Same(loaded.Test, loaded.Part("test", asked: true));
        Assert.Same(loaded.Train, loaded.Part("TRAIN", asked: true));
    }

    [Fact]
    public void DefaultTest_FallsBackToTrain_WhenThereIsNoTestPart()
    {
        using var loaded = new LoadedData("d", "d", TestData.Bytes(8), null);

        Assert.Same(loaded.Train, loaded.Part("test", asked: false));
    }

    [Fact]
    public void AskedForTest_IsRefused_WhenThereIsNoTestPart()
    {
        using var loaded = new LoadedData("folder", "folder", TestData.Bytes(8), null);

        var error = Assert.Throws<OptionException>(() => loaded.Part("test", asked: true));

        Assert.Equal("split test: folder has no test part (expected test files beside the training files); use `split` train, or leave `split` out to use the training part", error.Message);
    }

    [Fact]
    public void AnUnknownSplit_IsRefused()
    {
        using var loaded = new LoadedData("d", "d", TestData.Bytes(8), null);

        Assert.Equal("split: expected test or train, got 'val\\u001B'", Assert.Throws<OptionException>(() => loaded.Part("val\u001b", asked: true)).Message);
    }
}
