using System.Runtime.InteropServices;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Writing;

/// <summary>
/// Builds an ONNX model (ModelProto bytes) node by node: inputs, initializers, nodes and outputs. Any value,
/// including a hidden activation, may be declared an output.
/// </summary>
/// <remarks>
/// Writes IR version 8 with the default ONNX domain at opset 13–17, which Debian's onnx 1.12 checker accepts and
/// ORT 1.x runs. A negative dimension is written as the symbolic dimension <c>N</c> (a batch). Initializers are
/// stored as little-endian <c>raw_data</c>, the same bytes a caller-owned tensor holds in memory.
/// </remarks>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>IR version written (ONNX 1.10–1.12 read it).</summary>
    public const long IrVersion = 8;

    /// <summary>Lowest opset the builder writes.</summary>
    public const int MinimumOpset = 13;

    /// <summary>Highest opset the builder writes (what Debian's python3-onnx 1.12 knows).</summary>
    public const int MaximumOpset = 17;

    private readonly string _graphName;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly HashSet<string> _names = [];
    private int _counter;

    /// <summary>Starts a graph called <paramref name="graphName"/>.</summary>
    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graphName = graphName;
    }

    /// <summary>Declares a graph input and returns its name.</summary>
    public string Input(string name, TensorElementType elementType, params long[] dims)
    {
        Claim(name);
        _inputs.Add(ValueInfo(name, elementType, dims));
        return name;
    }

    /// <summary>Adds a float initializer (a weight) and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<float> data, params long[] dims) =>
        AddInitializer(name, TensorElementType.Float, MemoryMarshal.AsBytes(data), data.Length, dims);

    /// <summary>Adds an int64 initializer (e.g. a Reshape target shape) and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<long> data, params long[] dims) =>
        AddInitializer(name, TensorElementType.Int64, MemoryMarshal.AsBytes(data), data.Length, dims);

    /// <summary>Adds a node with one output; returns the output name (generated when null).</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? output = null, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        output ??= Fresh(opType.ToLowerInvariant());
        Claim(output);
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output);
        node.String(3, $"{opType}_{_nodes.Count}");
        node.String(4, opType);
        foreach (var attribute in attributes)
        {
            node.Message(5, Attribute(attribute));
        }

        _nodes.Add(node);
        return output;
    }

    /// <summary>Declares <paramref name="name"/> (an input, node output or initializer) a graph output.</summary>
    public void Output(string name, TensorElementType elementType, params long[] dims) => _outputs.Add(ValueInfo(name, elementType, dims));

    /// <summary>Serialises the model.</summary>
    public byte[] Build(int opset = MinimumOpset, string producerName = "fleet", string? docString = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, MinimumOpset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(opset, MaximumOpset);
        if (_outputs.Count == 0)
        {
            throw new InvalidOperationException("a graph needs at least one output");
        }

        var graph = new ProtoWriter();
        _nodes.ForEach(n => graph.Message(1, n));
        graph.String(2, _graphName);
        _initializers.ForEach(i => graph.Message(5, i));
        _inputs.ForEach(i => graph.Message(11, i));
        _outputs.ForEach(o => graph.Message(12, o));

        var opsetImport = new ProtoWriter();
        opsetImport.String(1, "");
        opsetImport.Int64(2, opset);

        var model = new ProtoWriter();
        model.Int64(1, IrVersion);
        model.String(2, producerName);
        model.String(3, "1");
        if (docString is not null)
        {
            model.String(6, docString);
        }

        model.Message(7, graph);
        model.Message(8, opsetImport);
        return model.ToArray();
    }

    private string AddInitializer(string name, TensorElementType type, ReadOnlySpan<byte> raw, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"initializer '{name}': {count} values do not fill [{string.Join(", ", dims)}]", nameof(dims));
        }

        Claim(name);
        var tensor = new ProtoWriter();
        tensor.PackedInt64(1, dims);
        tensor.Int64(2, (long)type);
        tensor.String(8, name);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; big-endian hosts are not supported");
        }

        tensor.Bytes(9, raw);
        _initializers.Add(tensor);
        return name;
    }

    private static ProtoWriter ValueInfo(string name, TensorElementType elementType, long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
        {
            var dim = new ProtoWriter();
            if (d < 0)
            {
                dim.String(2, "N");
            }
            else
            {
                dim.Int64(1, d);
            }

            shape.Message(1, dim);
        }

        var tensorType = new ProtoWriter();
        tensorType.Int64(1, (long)elementType);
        tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, type);
        return info;
    }

    private static ProtoWriter Attribute(OnnxAttribute attribute)
    {
        var a = new ProtoWriter();
        a.String(1, attribute.Name);
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                a.Float(2, attribute.FloatValue);
                break;
            case OnnxAttributeKind.Int:
                a.Int64(3, attribute.IntValue);
                break;
            case OnnxAttributeKind.Floats:
                a.PackedFloat(7, attribute.Floats.ToArray());
                break;
            case OnnxAttributeKind.Ints:
                a.PackedInt64(8, attribute.Ints.ToArray());
                break;
        }

        a.Int64(20, (long)attribute.Kind);
        return a;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"the name '{name}' is already used in this graph", nameof(name));
        }
    }

    private string Fresh(string stem)
    {
        string name;
        do
        {
            name = $"{stem}_{_counter++}";
        }
        while (_names.Contains(name));
        return name;
    }
}
