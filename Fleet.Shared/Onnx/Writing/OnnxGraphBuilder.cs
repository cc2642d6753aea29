using System.Runtime.InteropServices;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Proto;
using Google.Protobuf;

namespace Fleet.Shared.Onnx.Writing;

/// <summary>
/// Builds an ONNX model (ModelProto bytes) node by node: inputs, initializers, nodes and outputs. Any value,
/// including a hidden activation, may be declared an output.
/// </summary>
/// <remarks>
/// Writes IR version 8 with the default ONNX domain at opset 13–17, which Debian's onnx 1.12 checker accepts and
/// ORT 1.x runs. A negative dimension is written as the symbolic dimension <c>N</c> (a batch). Initializers are
/// stored as little-endian <c>raw_data</c>, the same bytes a caller-owned tensor holds in memory, or in an external
/// data file (<see cref="Save"/>). The bytes are deterministic: the same calls give the same model, byte for byte.
/// </remarks>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>IR version written (ONNX 1.10–1.12 read it).</summary>
    public const long IrVersion = 8;

    /// <summary>Lowest opset the builder writes.</summary>
    public const int MinimumOpset = 13;

    /// <summary>Highest opset the builder writes (what Debian's python3-onnx 1.12 knows).</summary>
    public const int MaximumOpset = 17;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = [];
    private int _counter;

    /// <summary>Starts a graph called <paramref name="graphName"/>.</summary>
    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Declares a graph input and returns its name.</summary>
    public string Input(string name, TensorElementType elementType, params long[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, elementType, dims));
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
        var node = new NodeProto { Name = $"{opType}_{_graph.Node.Count}", OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Select(Attribute));
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Declares <paramref name="name"/> (an input, node output or initializer) a graph output.</summary>
    public void Output(string name, TensorElementType elementType, params long[] dims) => _graph.Output.Add(ValueInfo(name, elementType, dims));

    /// <summary>Serialises the model.</summary>
    public byte[] Build(int opset = MinimumOpset, string producerName = "fleet", string? docString = null) =>
        Model(_graph, opset, producerName, docString).ToByteArray();

    /// <summary>
    /// Writes the model to <paramref name="modelPath"/> with every initializer's bytes in <paramref name="externalDataFile"/>
    /// beside it (ONNX external data: location, offset, length), as exporters do for large models.
    /// </summary>
    public void Save(string modelPath, string externalDataFile, int opset = MinimumOpset, string producerName = "fleet")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalDataFile);
        var graph = _graph.Clone();
        using var data = File.Create(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, externalDataFile));
        foreach (var tensor in graph.Initializer)
        {
            var offset = data.Position;
            tensor.RawData.WriteTo(data);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = externalDataFile });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ClearRawData();
        }

        File.WriteAllBytes(modelPath, Model(graph, opset, producerName, null).ToByteArray());
    }

    private static ModelProto Model(GraphProto graph, int opset, string producerName, string? docString)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, MinimumOpset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(opset, MaximumOpset);
        if (graph.Output.Count == 0)
        {
            throw new InvalidOperationException("a graph needs at least one output");
        }

        var model = new ModelProto { IrVersion = IrVersion, ProducerName = producerName, ProducerVersion = "1", Graph = graph };
        if (docString is not null)
        {
            model.DocString = docString;
        }

        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private string AddInitializer(string name, TensorElementType type, ReadOnlySpan<byte> raw, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"initializer '{name}': {count} values do not fill [{string.Join(", ", dims)}]", nameof(dims));
        }

        Claim(name);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; big-endian hosts are not supported");
        }

        var tensor = new TensorProto { DataType = (int)type, Name = name, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorElementType elementType, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }

    private static AttributeProto Attribute(OnnxAttribute attribute)
    {
        var a = new AttributeProto { Name = attribute.Name, Type = (AttributeProto.Types.AttributeType)(int)attribute.Kind };
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                a.F = attribute.FloatValue;
                break;
            case OnnxAttributeKind.Int:
                a.I = attribute.IntValue;
                break;
            case OnnxAttributeKind.String:
                a.S = ByteString.CopyFromUtf8(attribute.Text);
                break;
            case OnnxAttributeKind.Floats:
                a.Floats.AddRange(attribute.Floats);
                break;
            case OnnxAttributeKind.Ints:
                a.Ints.AddRange(attribute.Ints);
                break;
            default:
                throw new NotSupportedException($"the builder does not write {attribute.Kind} attributes");
        }

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
