using TorchSharp;
using TorchSharp.Modules;

namespace Bottleneck.Training;

/// <summary>The optimisers of chapter §7.4: Adam, SGD (optionally with momentum) and RMSprop.</summary>
public enum OptimizerKind { Adam, Sgd, RmsProp }

/// <summary>Parsing and construction of optimisers with Keras's defaults, which the chapter's code relies on.</summary>
public static class Optimizers
{
    /// <summary>Parses adam, sgd or rmsprop.</summary>
    public static OptimizerKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "adam" => OptimizerKind.Adam,
        "sgd" => OptimizerKind.Sgd,
        "rmsprop" => OptimizerKind.RmsProp,
        _ => throw new BadInputException($"--optimizer: unknown optimizer '{name}' (expected adam, sgd or rmsprop)"),
    };

    /// <summary>
    /// An optimiser over <paramref name="parameters"/>. Adam uses Keras's β1 = 0.9, β2 = 0.999, ε = 1e-7; RMSprop Keras's
    /// ρ = 0.9, ε = 1e-7; SGD takes <paramref name="momentum"/> (0 = plain SGD).
    /// </summary>
    public static torch.optim.Optimizer Create(OptimizerKind kind, IEnumerable<Parameter> parameters, double learningRate, double momentum = 0)
    {
        if (!(learningRate > 0)) throw new BadInputException($"--lr: expected a positive learning rate, got {learningRate}");
        if (!(momentum >= 0 && momentum < 1)) throw new BadInputException($"--momentum: expected a value in [0, 1), got {momentum}");
        return kind switch
        {
            OptimizerKind.Adam => torch.optim.Adam(parameters, learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-7),
            OptimizerKind.RmsProp => torch.optim.RMSProp(parameters, learningRate, alpha: 0.9, eps: 1e-7),
            _ => torch.optim.SGD(parameters, learningRate, momentum: momentum),
        };
    }

    /// <summary>Sets the learning rate of every parameter group.</summary>
    public static void SetLearningRate(torch.optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }
}
