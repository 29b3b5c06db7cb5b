using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>The activations the chapter uses (§2, §7.3): ReLU, Leaky ReLU, ELU, tanh, sigmoid and linear.</summary>
internal enum ActivationKind { Relu, LeakyRelu, Elu, Tanh, Sigmoid, Linear }

/// <summary>Parsing, naming and construction of <see cref="ActivationKind"/> values.</summary>
internal static class Activations
{
    static readonly Dictionary<string, ActivationKind> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["relu"] = ActivationKind.Relu, ["leaky_relu"] = ActivationKind.LeakyRelu, ["elu"] = ActivationKind.Elu,
        ["tanh"] = ActivationKind.Tanh, ["sigmoid"] = ActivationKind.Sigmoid, ["linear"] = ActivationKind.Linear,
    };

    /// <summary>The names accepted in specs and on the command line.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>Parses a name such as "relu" or "leaky_relu"; <paramref name="field"/> names the option or JSON field in the error.</summary>
    public static ActivationKind Parse(string name, string field) =>
        ByName.TryGetValue(name.Trim(), out var kind) ? kind
            : throw new BadInputException($"{field}: unknown activation '{name}' (expected one of {string.Join(", ", ByName.Keys)})");

    /// <summary>The spec name of an activation ("relu", "leaky_relu", ...).</summary>
    public static string Name(this ActivationKind kind) => ByName.First(p => p.Value == kind).Key;

    /// <summary>True for the ReLU family, which gets He initialisation; the rest get Glorot (§7.9).</summary>
    public static bool IsReluFamily(this ActivationKind kind) => kind is ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Elu;

    /// <summary>A module that applies the activation; linear is the identity.</summary>
    public static nn.Module<Tensor, Tensor> Create(ActivationKind kind, double leakySlope) => kind switch
    {
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.LeakyRelu => nn.LeakyReLU(leakySlope),
        ActivationKind.Elu => nn.ELU(),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Sigmoid => nn.Sigmoid(),
        _ => nn.Identity(),
    };
}
