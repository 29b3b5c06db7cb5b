using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests.Training;

/// <summary>Training on a CSV scales it as anomaly fit does: a standard scaler, a linear output, MSE, and no image figures.</summary>
public class TabularTrainingTests
{
    /// <summary>60 rows of 4 readings in very different units (around 1,000 and around 0.01), the first rows given exactly.</summary>
    static double[][] Rows()
    {
        var random = new Random(5);
        return Enumerable.Range(0, 60).Select(_ =>
        {
            double u = random.NextDouble(), v = random.NextDouble();
            return new[] { Math.Round(1000 + 2000 * u, 3), Math.Round(0.01 * v, 6), Math.Round(u + v, 4), Math.Round(50 * (u - v), 3) };
        }).ToArray();
    }

    static string Csv(double[][] rows)
    {
        var text = new StringBuilder("a,b,c,d\n");
        foreach (var r in rows) text.AppendLine(string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return text.ToString();
    }

    static TrainingRecipe Recipe(TempFolder folder, ModelSpec spec, bool preset, string? loss = null) => new()
    {
        Data = folder.Write("table.csv", Csv(Rows())),
        Spec = spec,
        SpecIsPreset = preset,
        Loss = loss,
        Epochs = 2,
        BatchSize = 16,
        ValSplit = 0.25,
        OutputDirectory = folder["run"],
    };

    [Fact]
    public void A_csv_is_standardised_on_its_training_rows_with_a_linear_output_and_mse()
    {
        using var folder = new TempFolder();
        var notes = new List<string>();
        var result = TrainingRun.Execute(Recipe(folder, Presets.Get("basic"), preset: true), resume: false, null, default, out var data, notes);
        data.Dispose();
        using var model = result.Model;

        var manifest = JsonNode.Parse(File.ReadAllText(folder["run/model.json"]))!;
        Assert.Equal("linear", (string?)manifest["spec"]!["output_activation"]);
        Assert.Equal("mse", result.Metrics.Loss);
        // The scaler's mean and std are those of the first 45 rows (the last 15 are validation), by hand in float64.
        var fitRows = Rows()[..45];
        double mean = fitRows.Average(r => r[0]);
        double std = Math.Sqrt(fitRows.Average(r => (r[0] - mean) * (r[0] - mean)));
        var scaler = manifest["data"]!["scaler"]!;
        Assert.Equal("standard", (string?)scaler["kind"]);
        Assert.Equal(mean, (double)scaler["offset"]![0]!, 2);
        Assert.Equal(std, (double)scaler["scale"]![0]!, 2);
        // The training range is recorded after scaling: standardised values, a few units either side of 0.
        var range = manifest["data"]!["range"]!.AsArray();
        Assert.InRange((double)range[0]!, -4, 0);
        Assert.InRange((double)range[1]!, 0, 4);
        // Rows of 4 readings are no 2×2 pictures; standardised data has no BCE or PSNR.
        Assert.False(File.Exists(folder["run/reconstructions.png"]));
        Assert.Null(result.Metrics.Validation!.Bce);
        Assert.Null(result.Metrics.Validation.Psnr);
        Assert.Contains(notes, n => n.StartsWith("scaler: standard"));
        // And the folder loads with that scaler for every later command.
        using var trained = TrainedModel.Load(folder["run"]);
        Assert.Equal((float)mean, trained.Scaler!.Offset[0]);
    }

    [Fact]
    public void A_model_trained_further_keeps_its_folders_scaler_instead_of_fitting_a_new_one()
    {
        using var folder = new TempFolder();
        var first = TrainingRun.Execute(Recipe(folder, Presets.Get("basic"), preset: true), resume: false);
        first.Model.Dispose();
        using var original = TrainedModel.Load(folder["run"]);
        // Other rows, with another mean: a scaler fitted on them would differ.
        var other = folder.Write("other.csv", Csv(Rows().Skip(30).Select(r => r.Select(v => v * 1.5).ToArray()).ToArray()));
        var recipe = Recipe(folder, original.Model.Spec, preset: false) with { Data = other, StartFrom = folder["run"], OutputDirectory = folder["further"] };
        var notes = new List<string>();
        var further = TrainingRun.Execute(recipe, resume: false, null, default, out var data, notes);
        data.Dispose();
        further.Model.Dispose();
        using var continued = TrainedModel.Load(folder["further"]);
        Assert.Equal(original.Scaler!.Offset, continued.Scaler!.Offset);
        Assert.Equal(original.Scaler.Scale, continued.Scaler.Scale);
        Assert.Contains(notes, n => n.StartsWith("scaler: the model folder's standard scaler"));

        var e = Assert.Throws<OptionException>(() => TrainingRun.Execute(recipe with { Scaler = "minmax", OutputDirectory = folder["again"] }, resume: false));
        Assert.StartsWith("scaler: a model trained further keeps the scaling it was trained with", e.Message);
    }

    [Fact]
    public void A_spec_file_that_insists_on_a_sigmoid_is_refused_for_standardised_data()
    {
        using var folder = new TempFolder();
        var spec = new ModelSpec { Name = "mine", Encoder = [], Bottleneck = 2, OutputActivation = "sigmoid" };
        var e = Assert.Throws<OptionException>(() => TrainingRun.Execute(Recipe(folder, spec, preset: false), resume: false));
        Assert.Contains("output_activation 'sigmoid' cannot reproduce standardised data", e.Message);
        Assert.False(Directory.Exists(folder["run"]));
    }

    [Fact]
    public void Scaler_none_keeps_the_data_as_it_is_and_bce_refuses_values_outside_0_1()
    {
        using var folder = new TempFolder();
        var recipe = Recipe(folder, Presets.Get("basic"), preset: true) with { Scaler = "none" };
        var e = Assert.Throws<BadInputException>(() => TrainingRun.Execute(recipe, resume: false));
        Assert.Contains("needs data in [0, 1]", e.Message);
    }
}
