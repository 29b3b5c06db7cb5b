using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Generation;

/// <summary>
/// Writes what an interpolation study found: the picture (one row per path, each step captioned with the class the
/// judge sees), the pictured paths as an array file, and the JSON report with the keys every earlier version printed.
/// </summary>
internal static class InterpolationWriter
{
    /// <summary>Saves the picture to <paramref name="picture"/> and, when <paramref name="npy"/> is given, the paths [rows, steps, ...input shape] (cross-fade first).</summary>
    public static void Write(InterpolationResult result, string picture, string? npy, IReadOnlyList<long> sampleShape)
    {
        var s = result.Settings;
        InterpolationGrid.Save(picture, $"{result.Data} #{result.From} ({result.FromCaption}) → #{result.To} ({result.ToCaption}), {(s.Spherical ? "slerp" : "lerp")}" +
                                        (result.Judged ? "; captions: the classifier's class: its confidence" : ""),
            result.Paths.Select(p => new InterpolationRow(p.Name, p.Images, p.Captions)).ToArray(), result.Shape);
        if (npy is null) return;
        using var scope = NewDisposeScope();
        var paths = stack(result.Paths.Select(p => p.Images).ToArray()).reshape([result.Paths.Count, s.Steps, .. sampleShape]).contiguous();
        ArrayFiles.Write(npy, NumericArray.FromFloats(paths.shape.Select(d => (int)d).ToArray(), paths.data<float>().ToArray()));
    }

    /// <summary>The report --json prints: the paths' classes and confidence, the classifier, the gap profiles and their paired differences, with units.</summary>
    public static JsonObject ToJson(InterpolationResult result, string picture, string? npy)
    {
        static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        var s = result.Settings;
        return new JsonObject
        {
            ["data"] = result.Data, ["from"] = result.From, ["to"] = result.To, ["steps"] = s.Steps, ["interpolation"] = s.Spherical ? "slerp" : "lerp",
            ["t"] = Numbers(LatentInterpolation.Times(s.Steps)),
            ["picture"] = picture, ["npy"] = npy,
            ["picture_rows"] = new JsonArray(result.Paths.Select(p => (JsonNode?)new JsonObject
            {
                ["name"] = p.Name,
                ["class"] = new JsonArray(p.Classes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                ["confidence"] = Numbers(p.Confidence),
            }).ToArray()),
            ["classifier"] = result.Classifier,
            ["classifier_accuracy"] = result.ClassifierAccuracy,
            ["pairs"] = result.Judged ? s.Pairs : 0,
            ["gaps"] = new JsonArray(result.Gaps.Select(p => (JsonNode?)new JsonObject
            {
                ["name"] = p.Name, ["ends"] = p.Ends, ["interior"] = p.Interior, ["interior_se"] = p.InteriorStandardError, ["ratio"] = p.Ratio,
                ["lowest"] = p.Lowest.Confidence, ["lowest_t"] = p.Lowest.T, ["profile"] = Numbers(p.Confidence),
            }).ToArray()),
            ["paired_differences"] = new JsonArray(result.PairedDifferences.Select(d => (JsonNode?)new JsonObject
            {
                ["a"] = d.A.Name, ["b"] = d.B.Name, ["interior_difference"] = d.Difference, ["se"] = d.StandardError,
            }).ToArray()),
            ["units"] = new JsonObject
            {
                ["confidence"] = "the classifier's largest class probability for an image, in [1/classes, 1]",
                ["classifier_accuracy"] = "fraction of the chosen split (first 10,000) the classifier labels right",
                ["profile"] = "mean confidence over the pairs at each t",
                ["ends"] = "mean of the profile at t = 0 and t = 1 (reconstructions; the inputs themselves for the cross-fade)",
                ["interior"] = "mean of the profile strictly between the ends",
                ["interior_se"] = "standard error of interior over the pairs",
                ["paired_differences"] = "interior of a minus interior of b over the same pairs, with the standard error of the pair-by-pair differences",
                ["ratio"] = "interior / ends: 1 means the middle of the path is as recognisable as its ends; lower means a gap",
            },
        };
    }
}
