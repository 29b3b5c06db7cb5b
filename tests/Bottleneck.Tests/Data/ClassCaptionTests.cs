using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Data;

/// <summary>How a class is written under a picture or in a table: names where the classes have names, numbers otherwise.</summary>
public class ClassCaptionTests
{
    static Dataset Labelled(int[]? labels, IReadOnlyList<string>? names) =>
        new("d", zeros(3, 4).DetachFromDisposeScope(), labels, names);

    [Fact]
    public void A_label_is_named_where_the_classes_have_names_and_numbered_otherwise()
    {
        string[] fashion = ["T-shirt/top", "Trouser", "Pullover"];
        Assert.Equal("Trouser", ClassCaption.Name(1, fashion));
        Assert.Equal("7", ClassCaption.Name(7, fashion));    // beyond the names
        Assert.Equal("-1", ClassCaption.Name(-1, fashion));
        Assert.Equal("4", ClassCaption.Name(4, null));
    }

    [Fact]
    public void Figure_captions_say_label_for_numbered_classes_and_the_name_for_named_ones()
    {
        using var digits = Labelled([7, 0, 3], ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        Assert.Equal("Label: 7", ClassCaption.Of(digits, 0));
        using var plain = Labelled([7, 0, 3], null);
        Assert.Equal("Label: 3", ClassCaption.Of(plain, 2));
        using var clothes = Labelled([1, 0, 2], ["T-shirt/top", "Trouser", "Pullover"]);
        Assert.Equal("Trouser", ClassCaption.Of(clothes, 0));
        using var unlabelled = Labelled(null, null);
        Assert.Equal("#2", ClassCaption.Of(unlabelled, 2));
    }

    [Fact]
    public void Indexed_captions_put_the_sample_number_before_the_class()
    {
        using var clothes = Labelled([1, 0, 2], ["T-shirt/top", "Trouser", "Pullover"]);
        Assert.Equal("#2 · Pullover", ClassCaption.Indexed(clothes, 2));
        using var plain = Labelled([5, 6, 9], null);
        Assert.Equal("#1 · 6", ClassCaption.Indexed(plain, 1));
        using var unlabelled = Labelled(null, null);
        Assert.Equal("#0", ClassCaption.Indexed(unlabelled, 0));
    }
}
