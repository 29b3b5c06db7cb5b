using Bottleneck.Evaluation;
using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>
/// The interpolation study as the library runs it: the cross-fade row against (1 − t)·x₀ + t·x₁ in float64, the model
/// rows' ends against the reconstructions, the stages it reports, the checks it makes before any, and the report's keys.
/// </summary>
public class InterpolationStudyTests
{
    // 40 labelled 6×6 images in [0, 1], three classes.
    static Dataset Images(string name = "tiles")
    {
        using var generator = new Generator(8);
        var storage = rand([40, 6, 6], generator: generator).DetachFromDisposeScope();
        return new Dataset(name, storage, Enumerable.Range(0, 40).Select(i => i % 3).ToArray(), ["zero", "one", "two"]);
    }

    static Autoencoder Model(string name) =>
        ModelFactory.Create(new ModelSpec { Name = name, InputShape = [6, 6], Encoder = [8], Bottleneck = 3 });

    sealed class Stages : IProgress<StageProgress>
    {
        public List<StageProgress> Reports { get; } = [];
        public void Report(StageProgress value) => Reports.Add(value);
    }

    [Fact]
    public void The_cross_fade_is_the_pixel_blend_and_each_models_path_ends_at_its_reconstructions()
    {
        using var data = Images();
        using var model = Model("ae");
        var settings = new InterpolationSettings(From: 4, To: 9, Steps: 5, Spherical: false, Pairs: 6, Seed: 2, ClassifierSize: 30);
        var stages = new Stages();
        using var result = InterpolationStudy.Run([("ae", model)], data, data, settings, stages);

        Assert.Equal(["cross-fade", "ae"], result.Paths.Select(p => p.Name));
        var x0 = data.Batch(4, 1).data<float>().ToArray();
        var x1 = data.Batch(9, 1).data<float>().ToArray();
        var fade = result.Paths[0].Images.data<float>().ToArray();
        for (int step = 0; step < 5; step++)
        {
            double t = step / 4.0;
            for (int i = 0; i < 36; i++) Assert.Equal((1 - t) * x0[i] + t * x1[i], fade[step * 36 + i], 6);
        }
        using (no_grad())
        {
            model.eval();
            var ends = model.Reconstruct(data.Batch(tensor(new long[] { 4, 9 }))).reshape(2, -1).data<float>().ToArray();
            var path = result.Paths[1].Images.data<float>().ToArray();
            Assert.Equal(ends[..36], path[..36], new Tolerance(1e-5f));
            Assert.Equal(ends[36..], path[(4 * 36)..], new Tolerance(1e-5f));
        }

        // The judge's captions name the class it sees; its confidence is a probability of one of three classes.
        Assert.All(result.Paths, p => Assert.All(p.Confidence, c => Assert.InRange(c, 1 / 3.0 - 1e-12, 1)));
        var caption = result.Paths[0].Captions![0];
        Assert.Matches("^(zero|one|two): [01]\\.\\d\\d$", caption);
        Assert.Equal(("one", "zero"), (result.FromCaption, result.ToCaption));   // labels are index % 3
        Assert.Equal(["pixel cross-fade", "ae"], result.Gaps.Select(g => g.Name));
        Assert.Equal(result.Gaps[0].Interior - result.Gaps[1].Interior, result.PairedDifferences.Single().Difference, 12);

        Assert.Equal([InterpolationStudy.ClassifierStage, InterpolationStudy.GapStage], stages.Reports.Select(r => r.Stage).Distinct());
        Assert.Equal(new StageProgress(InterpolationStudy.GapStage, 6, 6), stages.Reports[^1]);
    }

    [Fact]
    public void Without_labels_there_is_no_judge_and_no_gap_measure()
    {
        using var labelled = Images();
        using var data = new Dataset("plain", labelled.Batch(0, 40).DetachFromDisposeScope());
        using var model = Model("ae");
        var stages = new Stages();
        using var result = InterpolationStudy.Run([("ae", model)], data, data, new InterpolationSettings(0, 1, 4, true, 10, 1, 30), stages);
        Assert.False(result.Judged);
        Assert.DoesNotContain(stages.Reports, r => r.Stage == InterpolationStudy.ClassifierStage);   // no line says a classifier is fitted
        Assert.Null(result.Classifier);
        Assert.Empty(result.Gaps);
        Assert.All(result.Paths, p => Assert.Null(p.Captions));
        Assert.Equal(0, (int)InterpolationWriter.ToJson(result, "p.png", null)["pairs"]!);
    }

    [Fact]
    public void Bad_settings_are_refused_before_any_stage()
    {
        using var data = Images();
        using var model = Model("ae");
        var stages = new Stages();
        InterpolationSettings Settings(int steps = 5, int pairs = 3, int size = 30) => new(0, 1, steps, false, pairs, 1, size);
        Assert.Contains("steps: expected at least 3", Assert.Throws<OptionException>(() => InterpolationStudy.Run([("ae", model)], data, data, Settings(steps: 2), stages)).Message);
        Assert.Contains("pairs: expected 0 or more", Assert.Throws<OptionException>(() => InterpolationStudy.Run([("ae", model)], data, data, Settings(pairs: -1), stages)).Message);
        Assert.Contains("classifier_size: expected at least 2", Assert.Throws<OptionException>(() => InterpolationStudy.Run([("ae", model)], data, data, Settings(size: 1), stages)).Message);
        using var rows = new Dataset("rows", rand(10, 5).DetachFromDisposeScope(), Enumerable.Range(0, 10).Select(i => i % 2).ToArray());
        Assert.Contains("are not images", Assert.Throws<BadInputException>(() => InterpolationStudy.Run([], rows, rows, Settings(), stages)).Message);
        Assert.Empty(stages.Reports);
    }

    [Fact]
    public void The_report_has_the_keys_of_earlier_versions_in_their_order()
    {
        using var data = Images();
        using var model = Model("ae");
        using var result = InterpolationStudy.Run([("ae", model)], data, data, new InterpolationSettings(0, 1, 3, false, 2, 1, 30));
        var json = InterpolationWriter.ToJson(result, "p.png", "p.npy");
        // As `bottleneck interpolate --json` printed them before the command was thinned.
        Assert.Equal(["data", "from", "to", "steps", "interpolation", "t", "picture", "npy", "picture_rows", "classifier", "classifier_accuracy",
            "pairs", "gaps", "paired_differences", "units"], json.Select(p => p.Key));
        Assert.Equal(["name", "ends", "interior", "interior_se", "ratio", "lowest", "lowest_t", "profile"], json["gaps"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["name", "class", "confidence"], json["picture_rows"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["a", "b", "interior_difference", "se"], json["paired_differences"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal("softmax regression on the pixels of the first 30 images of tiles", (string)json["classifier"]!);
        Assert.Equal([0.0, 0.5, 1.0], json["t"]!.AsArray().Select(v => (double)v!));
    }

    [Fact]
    public void Ends_are_picked_by_index_by_label_number_or_by_class_name()
    {
        using var data = Images();
        Assert.Equal(7, InterpolationEnds.Pick(data, 7, null, "--from", 0));
        Assert.Equal(1, InterpolationEnds.Pick(data, null, null, "--to", 1));
        Assert.Equal(2, InterpolationEnds.Pick(data, null, "2", "--from", 0));
        Assert.Equal(1, InterpolationEnds.Pick(data, null, "ONE", "--from", 0));   // class names in any case
        Assert.Equal("--from and --from-label: give one or the other",
            Assert.Throws<BadInputException>(() => InterpolationEnds.Pick(data, 1, "2", "--from", 0)).Message);
        Assert.Equal("--to: index 40 is outside tiles's 40 samples (0 .. 39)",
            Assert.Throws<BadInputException>(() => InterpolationEnds.Pick(data, 40, null, "--to", 1)).Message);
        Assert.Equal("--to-label: no sample of tiles has label 5 (found 0, 1, 2)",
            Assert.Throws<BadInputException>(() => InterpolationEnds.Pick(data, null, "5", "--to", 1)).Message);
        Assert.Equal("--from-label: 'seven' is neither a number nor a class name of tiles",
            Assert.Throws<BadInputException>(() => InterpolationEnds.Pick(data, null, "seven", "--from", 0)).Message);
    }

    sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
