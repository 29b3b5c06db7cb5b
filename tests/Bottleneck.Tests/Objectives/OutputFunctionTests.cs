using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Objectives;

/// <summary>The output activations, applied in place for scoring, against their formulas evaluated in double.</summary>
public class OutputFunctionTests
{
    [Theory]
    [InlineData(nameof(ActivationKind.Sigmoid))]
    [InlineData(nameof(ActivationKind.Tanh))]
    [InlineData(nameof(ActivationKind.Relu))]
    [InlineData(nameof(ActivationKind.LeakyRelu))]
    [InlineData(nameof(ActivationKind.Elu))]
    [InlineData(nameof(ActivationKind.Linear))]
    public void In_place_activations_follow_their_formulas(string kindName)
    {
        // The enum is internal: a public theory takes its name.
        var kind = Enum.Parse<ActivationKind>(kindName);
        float[] z = [-30f, -2.5f, -0.3f, 0f, 0.7f, 4f, 25f];
        Func<double, double> formula = kind switch
        {
            ActivationKind.Sigmoid => v => 1 / (1 + Math.Exp(-v)),
            ActivationKind.Tanh => Math.Tanh,
            ActivationKind.Relu => v => Math.Max(v, 0),
            ActivationKind.LeakyRelu => v => v >= 0 ? v : 0.2 * v,
            ActivationKind.Elu => v => v >= 0 ? v : Math.Exp(v) - 1,
            _ => v => v,
        };
        using var scope = NewDisposeScope();
        var output = new OutputFunction(kind, LeakySlope: 0.2);
        var values = tensor(z);
        var result = output.ApplyInPlace(values).data<float>().ToArray();
        for (int i = 0; i < z.Length; i++)
            Assert.True(Math.Abs(result[i] - formula(z[i])) <= 1e-6 * Math.Max(1, Math.Abs(formula(z[i]))), $"{kind}({z[i]}) = {result[i]:R}, formula {formula(z[i]):R}");
        Assert.Equal(result, output.Apply(tensor(z)).data<float>().ToArray());
    }
}
