using Bottleneck.Applications.Inspection;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

public class FeatureProbeTests
{
    static Dataset Labelled(int[] labels)
    {
        var storage = rand(labels.Length, 4);
        storage.DetachFromDisposeScope();
        return new Dataset("labelled", storage, labels);
    }

    [Fact]
    public void First_n_takes_the_first_samples_and_balanced_takes_the_first_of_each_class()
    {
        using var data = Labelled([0, 0, 0, 1, 0, 1, 1, 2, 2, 1, 2, 0]);
        Assert.Equal([0, 1, 2, 3], FeatureProbe.LabelledIndices(data, 4, LabelSelection.First));
        Assert.Equal([0, 1, 3, 5, 7, 8], FeatureProbe.LabelledIndices(data, 6, LabelSelection.Balanced));
        Assert.Equal([1, 1, 2, 2], FeatureProbe.Labels(data, [3, 5, 7, 8]));
    }

    [Theory]
    [InlineData(0, "labels: expected a positive number")]
    [InlineData(-5, "labels: expected a positive number")]
    [InlineData(13, "but labelled has 12")]
    public void Impossible_label_counts_are_refused(int count, string message)
    {
        using var data = Labelled([0, 0, 0, 1, 0, 1, 1, 2, 2, 1, 2, 0]);
        Assert.Contains(message, Assert.Throws<OptionException>(() => FeatureProbe.LabelledIndices(data, count, LabelSelection.First)).Message);
        Assert.Contains("balanced: ", Assert.Throws<OptionException>(() => FeatureProbe.LabelledIndices(data, 7, LabelSelection.Balanced)).Message);
    }

    [Fact]
    public void Pca_codes_of_a_plane_separate_what_its_first_axis_separates()
    {
        // Two classes that differ along a direction of large variance: the 1-D PCA code keeps it, and both classifiers score 100 %.
        using var generator = new Generator(4);
        var offsets = tensor(Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? -3.0f : 3.0f).ToArray()).unsqueeze(1);
        var storage = (offsets * tensor(new float[] { 0.6f, 0.8f, 0 }) + 0.3f * randn([40, 3], generator: generator)).contiguous();
        storage.DetachFromDisposeScope();
        using var data = new Dataset("two-blobs", storage, Enumerable.Range(0, 40).Select(i => i % 2).ToArray());
        using var pca = PrincipalComponents.FitCovariance(data, 1);
        using var codes = FeatureProbe.PcaCodes(pca, data);
        Assert.Equal([40L, 1L], codes.shape);
        var labels = FeatureProbe.Labels(data);
        var row = FeatureProbe.Run("PCA-1", "two-blobs", codes, labels, codes, labels, classes: 2);
        Assert.Equal(1.0, row.LogisticAccuracy);
        Assert.Equal(1.0, row.KnnAccuracy);
        Assert.True(row.Converged);
    }
}
