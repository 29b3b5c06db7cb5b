using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Persistence;

/// <summary>The --model rule: a bare preset name is the preset; a path has a separator or ".json", or exists and is no preset's name.</summary>
public class ModelSourceTests
{
    [Theory]
    [InlineData("basic", true)]
    [InlineData("./basic", false)]
    [InlineData("runs/basic", false)]
    [InlineData(@"runs\basic", false)]
    [InlineData("basic.json", false)]
    [InlineData("no-such-preset", false)]
    public void A_preset_name_is_a_bare_name_of_a_preset(string argument, bool isPreset) =>
        Assert.Equal(isPreset, ModelSource.IsPresetName(argument));

    [Fact]
    public void A_spec_file_path_is_never_a_preset()
    {
        using var folder = new TempFolder();
        var path = folder.Write("basic.json", """{ "input_shape": [6], "encoder": [4], "bottleneck": 2 }""");

        Assert.False(ModelSource.IsTrainedFolder(path));
        Assert.Equal([2L], ModelFactory.Create(ModelSource.Spec(path)).CodeShape);
    }
}
