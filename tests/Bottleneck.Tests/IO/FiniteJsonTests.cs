using System.Text.Json.Nodes;
using Bottleneck.IO;
using Xunit;

namespace Bottleneck.Tests.IO;

/// <summary>JSON has no NaN or ∞: such figures are written as null, each with a warning, instead of failing the write.</summary>
public class FiniteJsonTests
{
    [Fact]
    public void Non_finite_numbers_become_null_and_each_is_reported()
    {
        var node = new JsonObject
        {
            ["mse"] = double.NaN,
            ["psnr"] = double.PositiveInfinity,
            ["samples"] = 10,
            ["test"] = new JsonObject { ["bce"] = float.NegativeInfinity, ["mae"] = 0.25 },
            ["losses"] = new JsonArray(0.5, double.NaN),
            ["name"] = "NaN",
        };
        var warnings = new List<string>();
        var before = FiniteJson.Warning;
        FiniteJson.Warning = warnings.Add;
        try
        {
            var text = FiniteJson.Serialize(node, "metrics.json");
            Assert.Equal("""{"mse":null,"psnr":null,"samples":10,"test":{"bce":null,"mae":0.25},"losses":[0.5,null],"name":"NaN"}""", text);
        }
        finally { FiniteJson.Warning = before; }
        Assert.Equal([
            "warning: metrics.json: 'mse' is NaN, which JSON cannot hold; written as null",
            "warning: metrics.json: 'psnr' is Infinity, which JSON cannot hold; written as null",
            "warning: metrics.json: 'test.bce' is -Infinity, which JSON cannot hold; written as null",
            "warning: metrics.json: 'losses[1]' is NaN, which JSON cannot hold; written as null",
        ], warnings);
    }
}
