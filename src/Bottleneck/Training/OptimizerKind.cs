using TorchSharp;
using TorchSharp.Modules;

namespace Bottleneck.Training;

/// <summary>The optimisers of chapter §7.4: Adam, SGD (optionally with momentum) and RMSprop.</summary>
internal enum OptimizerKind { Adam, Sgd, RmsProp }

/// <summary>Parsing and construction of optimisers with Keras's defaults, which the chapter's code relies on.</summary>
internal static class Optimizers
{
    /// <summary>Parses adam, sgd or rmsprop.</summary>
    public static OptimizerKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "adam" => OptimizerKind.Adam,
        "sgd" => OptimizerKind.Sgd,
        "rmsprop" => OptimizerKind.RmsProp,
        _ => throw new OptionException("optimizer", $"unknown optimizer '{name}' (expected adam, sgd or rmsprop)"),
    };

    /// <summary>
    /// An optimiser over <paramref name="parameters"/>. Adam uses Keras's β1 = 0.9, β2 = 0.999, ε = 1e-7; RMSprop Keras's
    /// ρ = 0.9, ε = 1e-7; SGD takes <paramref name="momentum"/> (0 = plain SGD).
    /// </summary>
    public static torch.optim.Optimizer Create(OptimizerKind kind, IEnumerable<Parameter> parameters, double learningRate, double momentum = 0)
    {
        if (!(learningRate > 0)) throw new OptionException("learning_rate", $"expected a positive learning rate, got {learningRate}");
        if (!(momentum >= 0 && momentum < 1)) throw new OptionException("momentum", $"expected a value in [0, 1), got {momentum}");
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

    /// <summary>Saves the optimiser's state (step counts, Adam's moments) to <paramref name="path"/>, atomically.</summary>
    public static void SaveState(torch.optim.Optimizer optimizer, string path) =>
        Bottleneck.IO.AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            MakeStateContiguous(optimizer);
            Helper(optimizer).save_state_dict(writer);
        });

    /// <summary>Loads a state saved by <see cref="SaveState"/> into an optimiser of the same kind over the same parameters.</summary>
    public static void LoadState(torch.optim.Optimizer optimizer, string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: optimizer state not found");
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            MakeStateContiguous(optimizer);
            Helper(optimizer).load_state_dict(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            throw new BadInputException($"{path}: optimizer state does not fit this model and optimizer ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>
    /// TorchSharp writes and reads an optimiser's state tensors as raw bytes, which needs them contiguous; a state made
    /// with zeros_like of a channels-last convolution weight is not. The moments are element-wise, so replacing each
    /// by a contiguous copy changes no value and no later update. The state classes (Adam's exp_avg, SGD's
    /// momentum_buffer, ...) expose their tensors as public fields, which is what this walks.
    /// </summary>
    static void MakeStateContiguous(torch.optim.Optimizer optimizer)
    {
        foreach (var state in Helper(optimizer).state_dict().State)
            foreach (var field in state.GetType().GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
                if (field.FieldType == typeof(torch.Tensor) && field.GetValue(state) is torch.Tensor { IsInvalid: false } tensor && !tensor.is_contiguous())
                {
                    field.SetValue(state, tensor.contiguous().DetachFromDisposeScope());
                    tensor.Dispose();
                }
    }

    static OptimizerHelper Helper(torch.optim.Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new NotSupportedException($"{optimizer.GetType().Name} cannot save its state");
}
