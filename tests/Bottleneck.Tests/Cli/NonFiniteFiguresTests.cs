using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Cli;

/// <summary>A figure that is NaN or infinite never crashes a command after it has written half its outputs.</summary>
public class NonFiniteFiguresTests
{
    [Fact]
    public void Evaluate_json_on_a_model_with_nan_weights_writes_null_figures_and_warns()
    {
        using var folder = new TempFolder();
        using (var model = ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = [28, 28], Encoder = [], Bottleneck = 2 }))
        {
            using (no_grad())
                foreach (var p in model.parameters()) p.fill_(double.NaN);
            ModelFolder.Save(model, folder["model"]);
        }
        var result = CliRunner.Run(folder.Path, "evaluate", "--model", "model", "--data", "mnist", "--limit", "5", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var figures = JsonNode.Parse(result.Stdout)!;
        Assert.Null(figures["mse"]);
        Assert.Equal(5, (int)figures["samples"]!);
        Assert.Contains("warning: --json: 'mse' is NaN, which JSON cannot hold; written as null", result.Stderr);
    }

    [Fact]
    public void Pca_on_constant_data_is_refused_and_writes_no_folder()
    {
        using var folder = new TempFolder();
        folder.Write("constant.csv", "a,b,c\n" + string.Concat(Enumerable.Repeat("1,2,3\n", 20)));
        CliRunner.Fails(folder, "constant.csv: every value is the same in all 20 samples (total variance 0): PCA has no variance to explain",
            "pca", "--data", "constant.csv", "--components", "2", "--out", "out");
    }
}
