using Bottleneck.Applications.Inspection;
using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>`bottleneck probe`'s library half on data whose answer is known: classes apart along the direction of largest variance.</summary>
public class ProbeStudyTests
{
    // Class c sits at x0 = 10·c (c = 0, 1, 2) with unit noise in the three other values: PCA-1 keeps x0, and both
    // classifiers separate the classes perfectly from raw values and from the 1-D code.
    static Dataset Blobs(int perClass, int seed, string name, int width = 4)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, 3 * perClass).Select(i => i % 3).ToArray();
        var values = labels.SelectMany(c => Enumerable.Range(0, width).Select(j => (float)((j == 0 ? 10 * c : 0) + (random.NextDouble() - 0.5)))).ToArray();
        var t = tensor(values, [labels.Length, width]);
        t.DetachFromDisposeScope();
        return new Dataset(name, t, labels);
    }

    static LoadedData Loaded(string name, int seed, bool withTest = true, int width = 4) =>
        new(name, "memory", Blobs(40, seed, name + "[train]", width), withTest ? Blobs(20, seed + 1, name + "[test]", width) : null);

    [Fact]
    public void Raw_values_and_pca_codes_separate_classes_that_differ_along_the_largest_variance()
    {
        using var source = Loaded("blobs", 1);
        var log = new StageLog();
        var report = ProbeStudy.Run(source, null, null, new ProbeSettings { Labels = 30, Components = 1, Neighbours = 3 }, log);
        Assert.Equal(["raw pixels", "PCA-1"], report.Rows.Select(r => r.Features).ToArray());
        Assert.Equal([4, 1], report.Rows.Select(r => r.Dimension).ToArray());
        Assert.All(report.Rows, r => Assert.Equal((1.0, 1.0), (r.LogisticAccuracy, r.KnnAccuracy)));
        Assert.All(report.Rows, r => Assert.True(r.Converged));
        // The first 30 training samples cycle through the classes 0, 1, 2: ten of each.
        Assert.Equal([10, 10, 10], report.LabelCounts);
        Assert.Equal((60, "blobs", "blobs", false), (report.TestSamples, report.Data, report.Probed, report.Transfer));
        Assert.Equal(["probing raw pixels (1 of 2)", "probing PCA-1 (2 of 2)"], log.Stages());
    }

    [Fact]
    public void Transfer_fits_pca_on_both_datasets_and_probes_the_second()
    {
        using var source = Loaded("source", 1);
        using var target = Loaded("target", 7);
        var report = ProbeStudy.Run(source, target, null, new ProbeSettings { Labels = 30, Components = 1, Neighbours = 3 });
        Assert.Equal([("raw pixels", ""), ("PCA-1", "source"), ("PCA-1", "target")], report.Rows.Select(r => (r.Features, r.FittedOn)).ToArray());
        Assert.Equal(("source", "target", true), (report.Data, report.Probed, report.Transfer));
    }

    [Fact]
    public void Impossible_probes_are_refused_before_any_classifier_is_fitted()
    {
        using var source = Loaded("blobs", 1);
        using var noTest = Loaded("no-test", 2, withTest: false);
        using var wider = Loaded("wider", 3, width: 5);
        var settings = new ProbeSettings { Labels = 30, Components = 1 };
        Assert.Equal("no-test: has no test part to measure accuracy on",
            Assert.Throws<BadInputException>(() => ProbeStudy.Run(source, noTest, null, settings)).Message);
        Assert.Equal("transfer_data: wider has samples of 5 values, but blobs has 4",
            Assert.Throws<OptionException>(() => ProbeStudy.Run(source, wider, null, settings)).Message);
        Assert.StartsWith("labels: expected a positive number", Assert.Throws<OptionException>(() => (settings with { Labels = 0 }).Check()).Message);
        Assert.StartsWith("c: expected a positive number", Assert.Throws<OptionException>(() => (settings with { C = 0 }).Check()).Message);
        Assert.StartsWith("components: expected a positive number", Assert.Throws<OptionException>(() => (settings with { Components = 0 }).Check()).Message);
    }
}
