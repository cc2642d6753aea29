using System.Runtime.InteropServices;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>
/// A minimal ModelProto reader: versions, opsets, the main graph's nodes, initializers, inputs and outputs.
/// Enough to inspect a model, digest its weights and load them into caller-owned memory; not a full ONNX parser.
/// </summary>
public static class OnnxModelReader
{
    /// <summary>Reads a model file.</summary>
    /// <exception cref="OnnxFormatException">The file is not an ONNX model this reader understands.</exception>
    public static OnnxModel ReadFile(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Reads model bytes.</summary>
    /// <exception cref="OnnxFormatException">The bytes are truncated, garbage or use unsupported features (external data).</exception>
    public static OnnxModel Read(ReadOnlySpan<byte> model)
    {
        if (model.IsEmpty)
        {
            throw new OnnxFormatException("model is empty (0 bytes)");
        }

        long irVersion = 0;
        var producer = "";
        var opsets = new Dictionary<string, long>();
        OnnxGraph? graph = null;
        var reader = new ProtoReader(model);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 0:
                    irVersion = reader.ReadInt64();
                    break;
                case 2 when wire == 2:
                    producer = reader.ReadString();
                    break;
                case 7 when wire == 2:
                    graph = ReadGraph(reader.ReadBytes());
                    break;
                case 8 when wire == 2:
                    var (domain, version) = ReadOpset(reader.ReadBytes());
                    opsets[domain] = version;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (graph is null || irVersion <= 0)
        {
            throw new OnnxFormatException("not an ONNX model: no graph or no IR version");
        }

        return new OnnxModel(irVersion, opsets, producer, graph, model.Length);
    }

    private static (string Domain, long Version) ReadOpset(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var domain = "";
        long version = 0;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2)
            {
                domain = reader.ReadString();
            }
            else if (field == 2 && wire == 0)
            {
                version = reader.ReadInt64();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (domain, version);
    }

    private static OnnxGraph ReadGraph(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var name = "";
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxInitializer>();
        var inputs = new List<TensorInfo>();
        var outputs = new List<TensorInfo>();
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2:
                    nodes.Add(ReadNode(reader.ReadBytes()));
                    break;
                case 2 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 5 when wire == 2:
                    initializers.Add(ReadTensor(reader.ReadBytes()));
                    break;
                case 11 when wire == 2:
                    inputs.Add(ReadValueInfo(reader.ReadBytes()));
                    break;
                case 12 when wire == 2:
                    outputs.Add(ReadValueInfo(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        var weightNames = initializers.Select(i => i.Name).ToHashSet();
        return new OnnxGraph(name, nodes, initializers, inputs.Where(i => !weightNames.Contains(i.Name)).ToArray(), outputs);
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttributeValue>();
        string name = "", opType = "", domain = "";
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2: inputs.Add(reader.ReadString()); break;
                case 2 when wire == 2: outputs.Add(reader.ReadString()); break;
                case 3 when wire == 2: name = reader.ReadString(); break;
                case 4 when wire == 2: opType = reader.ReadString(); break;
                case 5 when wire == 2:
                    var (attributeName, value) = ReadAttribute(reader.ReadBytes());
                    attributes[attributeName] = value;
                    break;
                case 7 when wire == 2: domain = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }

        return new OnnxNode(opType, domain, name, inputs, outputs, attributes);
    }

    private static (string Name, OnnxAttributeValue Value) ReadAttribute(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var name = "";
        long i = 0;
        float f = 0;
        string? s = null;
        var ints = new List<long>();
        var floats = new List<float>();
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2: name = reader.ReadString(); break;
                case 2 when wire == 5: f = reader.ReadFloat(); break;
                case 3 when wire == 0: i = reader.ReadInt64(); break;
                case 4 when wire == 2: s = reader.ReadString(); break;
                case 7: reader.ReadFloats(wire, floats); break;
                case 8: reader.ReadInt64s(wire, ints); break;
                default: reader.Skip(wire); break;
            }
        }

        return (name, new OnnxAttributeValue(i, f, ints, floats, s));
    }

    private static OnnxInitializer ReadTensor(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var dims = new List<long>();
        var floats = new List<float>();
        var int64s = new List<long>();
        var type = TensorElementType.Undefined;
        var name = "";
        byte[]? raw = null;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.ReadInt64s(wire, dims); break;
                case 2 when wire == 0: type = (TensorElementType)reader.ReadInt64(); break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 7: reader.ReadInt64s(wire, int64s); break;
                case 8 when wire == 2: name = reader.ReadString(); break;
                case 9 when wire == 2: raw = reader.ReadBytes().ToArray(); break;
                case 14 when wire == 0:
                    if (reader.ReadInt64() != 0)
                    {
                        throw new OnnxFormatException("initializers stored as external data are not supported");
                    }

                    break;
                default: reader.Skip(wire); break;
            }
        }

        raw ??= type switch
        {
            TensorElementType.Float => MemoryMarshal.AsBytes(floats.ToArray().AsSpan()).ToArray(),
            TensorElementType.Int64 => MemoryMarshal.AsBytes(int64s.ToArray().AsSpan()).ToArray(),
            _ => [],
        };
        var initializer = new OnnxInitializer(name, type, dims, raw);
        if (type is TensorElementType.Float or TensorElementType.Int64
            && initializer.ElementCount * TensorElementTypes.SizeOf(type) != raw.Length)
        {
            throw new OnnxFormatException($"initializer '{name}' has {raw.Length} bytes of data for shape [{string.Join(", ", dims)}]");
        }

        return initializer;
    }

    private static TensorInfo ReadValueInfo(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var name = "";
        var type = TensorElementType.Undefined;
        var dims = new List<long>();
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2)
            {
                name = reader.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                var typeReader = new ProtoReader(reader.ReadBytes());
                while (!typeReader.End)
                {
                    var (tf, tw) = typeReader.ReadTag();
                    if (tf == 1 && tw == 2)
                    {
                        type = ReadTensorType(typeReader.ReadBytes(), dims);
                    }
                    else
                    {
                        typeReader.Skip(tw);
                    }
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return new TensorInfo(name, type, dims);
    }

    private static TensorElementType ReadTensorType(ReadOnlySpan<byte> data, List<long> dims)
    {
        var reader = new ProtoReader(data);
        var type = TensorElementType.Undefined;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 0)
            {
                type = (TensorElementType)reader.ReadInt64();
            }
            else if (field == 2 && wire == 2)
            {
                var shape = new ProtoReader(reader.ReadBytes());
                while (!shape.End)
                {
                    var (sf, sw) = shape.ReadTag();
                    if (sf == 1 && sw == 2)
                    {
                        dims.Add(ReadDim(shape.ReadBytes()));
                    }
                    else
                    {
                        shape.Skip(sw);
                    }
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return type;
    }

    private static long ReadDim(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        long value = -1;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 0)
            {
                value = reader.ReadInt64();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return value;
    }
}
