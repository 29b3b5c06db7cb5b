using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Bottleneck.Export.Onnx;

/// <summary>
/// An ONNX graph under construction: nodes appended in execution order, weights stored once as initializers under
/// their state_dict names, constants, and the graph's typed inputs and outputs. Each node gets a fresh output name,
/// so a layer only says which values it reads.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    readonly GraphProto graph;
    readonly HashSet<string> names = [];
    int nodes;

    public OnnxGraphBuilder(string name) => graph = new GraphProto { Name = name };

    /// <summary>The graph as built so far.</summary>
    public GraphProto Graph => graph;

    /// <summary>The name a symbolic batch dimension carries: any number of samples.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Declares a graph input of <paramref name="type"/> shaped [batch, ..<paramref name="sampleShape"/>].</summary>
    public string Input(string name, TensorProto.Types.DataType type, IEnumerable<long> sampleShape)
    {
        Claim(name);
        graph.Input.Add(Value(name, type, sampleShape));
        return name;
    }

    /// <summary>Makes <paramref name="value"/> a graph output called <paramref name="name"/>, shaped [batch, ..<paramref name="sampleShape"/>].</summary>
    public void Output(string value, string name, TensorProto.Types.DataType type, IEnumerable<long> sampleShape)
    {
        Claim(name);
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = $"output {name}", Input = { value }, Output = { name } });
        graph.Output.Add(Value(name, type, sampleShape));
    }

    /// <summary>Appends an <paramref name="op"/> node reading <paramref name="inputs"/> ("" for an omitted optional input); returns its output.</summary>
    public string Node(string op, string label, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Fresh($"{label}/{op}");
        graph.Node.Add(new NodeProto { OpType = op, Name = output, Input = { inputs }, Output = { output }, Attribute = { attributes } });
        return output;
    }

    /// <summary>
    /// A float32 initializer holding <paramref name="tensor"/> under <paramref name="name"/> (its state_dict name). A
    /// second request for the same name returns the first: a tied decoder reads the encoder's own weight.
    /// </summary>
    public string Weight(string name, Tensor tensor)
    {
        if (names.Contains(name)) return name;
        Claim(name);
        // reshape(-1) reads the values in logical order whatever the strides (channels-last weights included).
        using var flat = tensor.detach().cpu().to_type(ScalarType.Float32).reshape(-1).contiguous();
        var values = flat.data<float>().ToArray();
        graph.Initializer.Add(FloatTensor(name, values, tensor.shape));
        return name;
    }

    /// <summary>A float32 constant of shape <paramref name="shape"/> computed by the exporter (a precomputed codebook term).</summary>
    public string Constant(string label, float[] values, long[] shape)
    {
        var name = Fresh(label);
        graph.Initializer.Add(FloatTensor(name, values, shape));
        return name;
    }

    /// <summary>A 1-D int64 constant: shapes, axes, pads, slice bounds.</summary>
    public string Constant(string label, params long[] values)
    {
        var name = Fresh(label);
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length } };
        proto.Int64Data.Add(values);
        graph.Initializer.Add(proto);
        return name;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    static TensorProto FloatTensor(string name, float[] values, long[] shape)
    {
        // raw_data is little-endian by the ONNX spec; so is every platform libtorch ships for.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export needs a little-endian machine");
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { shape } };
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return proto;
    }

    static ValueInfoProto Value(string name, TensorProto.Types.DataType type, IEnumerable<long> sampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (var d in sampleShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    string Fresh(string label)
    {
        var name = $"{label}_{nodes++}";
        Claim(name);
        return name;
    }

    void Claim(string name)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"ONNX graph: the name '{name}' is used twice");
    }
}
