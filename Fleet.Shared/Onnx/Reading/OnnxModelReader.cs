using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Proto;
using Google.Protobuf;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>
/// Reads a ModelProto (types generated from ONNX's schema): versions, opsets, the main graph's nodes with every
/// attribute kind, initializers (dense, sparse made dense, external data), inputs, outputs and subgraphs.
/// </summary>
/// <remarks>
/// Bytes that are not a ModelProto raise <see cref="OnnxFormatException"/>. What a well-formed model holds but the
/// reader cannot use (external data it cannot reach, a sparse tensor it cannot make dense, attribute values it does
/// not read, non-tensor inputs) is listed in <see cref="OnnxModel.Issues"/> rather than failing the read.
/// </remarks>
public static class OnnxModelReader
{
    /// <summary>Reads a model file; external data is read from files beside it.</summary>
    /// <exception cref="OnnxFormatException">The file is not an ONNX model.</exception>
    public static OnnxModel ReadFile(string path) => Read(File.ReadAllBytes(path), Path.GetDirectoryName(Path.GetFullPath(path)));

    /// <summary>Reads model bytes.</summary>
    /// <param name="model">The ModelProto bytes.</param>
    /// <param name="externalDataDirectory">Where external data files are; null reads none (they are reported as issues).</param>
    /// <exception cref="OnnxFormatException">The bytes are empty, truncated or not a ModelProto.</exception>
    public static OnnxModel Read(ReadOnlySpan<byte> model, string? externalDataDirectory = null)
    {
        if (model.IsEmpty)
        {
            throw new OnnxFormatException("model is empty (0 bytes)");
        }

        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException ex)
        {
            var truncated = ex.Message.Contains("ended unexpectedly", StringComparison.Ordinal) || ex.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase);
            throw new OnnxFormatException(truncated
                ? $"not an ONNX model: a field runs past the end of the bytes (truncated?): {ex.Message}"
                : $"not an ONNX model: {ex.Message}", ex);
        }

        if (!proto.HasIrVersion || proto.IrVersion <= 0 || proto.Graph is null)
        {
            throw new OnnxFormatException("not an ONNX model: no graph or no IR version");
        }

        var context = new ReadContext(externalDataDirectory);
        var opsets = new Dictionary<string, long>();
        foreach (var opset in proto.OpsetImport)
        {
            opsets[opset.Domain] = opset.Version;
        }

        var graph = context.Graph(proto.Graph, "graph");
        return new OnnxModel(proto.IrVersion, opsets, proto.ProducerName, graph, model.Length) { Issues = context.Issues };
    }

    private sealed class ReadContext(string? externalDataDirectory)
    {
        public List<string> Issues { get; } = [];

        public OnnxGraph Graph(GraphProto graph, string where)
        {
            var name = graph.Name.Length > 0 ? graph.Name : where;
            var initializers = new List<OnnxInitializer>();
            foreach (var tensor in graph.Initializer)
            {
                if (Tensor(tensor, $"{name}/initializer '{tensor.Name}'") is { } init)
                {
                    initializers.Add(init);
                }
            }

            foreach (var sparse in graph.SparseInitializer)
            {
                if (Sparse(sparse, name) is { } init)
                {
                    initializers.Add(init);
                }
            }

            var nodes = graph.Node.Select((n, i) => Node(n, $"{name}/node {(n.Name.Length > 0 ? n.Name : $"#{i} {n.OpType}")}")).ToArray();
            var weightNames = initializers.Select(i => i.Name).ToHashSet();
            var inputs = graph.Input.Where(i => !weightNames.Contains(i.Name)).Select(i => ValueInfo(i, $"{name}/input")).ToArray();
            var outputs = graph.Output.Select(o => ValueInfo(o, $"{name}/output")).ToArray();
            return new OnnxGraph(name, nodes, initializers, inputs, outputs);
        }

        private OnnxNode Node(NodeProto node, string where)
        {
            var attributes = new Dictionary<string, OnnxAttributeValue>();
            foreach (var attribute in node.Attribute)
            {
                attributes[attribute.Name] = Attribute(attribute, $"{where} attribute '{attribute.Name}'");
            }

            return new OnnxNode(node.OpType, node.Domain, node.Name, node.Input.ToArray(), node.Output.ToArray(), attributes);
        }

        private OnnxAttributeValue Attribute(AttributeProto a, string where)
        {
            var kind = (OnnxAttributeKind)(int)a.Type;
            if (kind is OnnxAttributeKind.SparseTensor or OnnxAttributeKind.SparseTensors or OnnxAttributeKind.TypeProto or OnnxAttributeKind.TypeProtos)
            {
                Issues.Add($"{where} is a {kind} attribute; its value is not read");
            }
            else if (!Enum.IsDefined(kind))
            {
                Issues.Add($"{where} has unknown attribute type {(int)a.Type}");
            }

            var tensors = new List<OnnxInitializer>();
            if (a.T is { } t && Tensor(t, $"{where} tensor") is { } single)
            {
                tensors.Add(single);
            }

            tensors.AddRange(a.Tensors.Select((x, i) => Tensor(x, $"{where} tensor {i}")).OfType<OnnxInitializer>());
            var graphs = new List<OnnxGraph>();
            if (a.G is { } g)
            {
                graphs.Add(Graph(g, $"{where} graph"));
            }

            graphs.AddRange(a.Graphs.Select((x, i) => Graph(x, $"{where} graph {i}")));
            return new OnnxAttributeValue(a.I, a.F, a.Ints.ToArray(), a.Floats.ToArray(), a.HasS ? a.S.ToStringUtf8() : null)
            {
                Kind = kind,
                Texts = a.Strings.Select(s => s.ToStringUtf8()).ToArray(),
                Tensors = tensors,
                Graphs = graphs,
            };
        }

        private TensorInfo ValueInfo(ValueInfoProto info, string where)
        {
            if (info.Type?.ValueCase is not TypeProto.ValueOneofCase.TensorType)
            {
                Issues.Add($"{where} '{info.Name}' is {(info.Type is null ? "of no declared type" : $"a {info.Type.ValueCase}")}, not a tensor");
                return new TensorInfo(info.Name, TensorElementType.Undefined, []);
            }

            var tensor = info.Type.TensorType;
            var dims = tensor.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray() ?? [];
            return new TensorInfo(info.Name, (TensorElementType)tensor.ElemType, dims);
        }

        /// <summary>A dense tensor's bytes; null (with an issue) when they cannot be had; throws for contradictory data.</summary>
        private OnnxInitializer? Tensor(TensorProto tensor, string where)
        {
            var type = (TensorElementType)tensor.DataType;
            var dims = tensor.Dims.ToArray();
            var count = ElementCount(dims, where);
            if (type == TensorElementType.String)
            {
                return new OnnxInitializer(tensor.Name, type, dims, ReadOnlyMemory<byte>.Empty);
            }

            if (TensorElementTypes.TrySizeOf(type) is not { } size)
            {
                Issues.Add($"{where} has element type {tensor.DataType}, which the reader does not know; skipped");
                return null;
            }

            var expected = count * size;
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                return External(tensor, type, dims, expected, where);
            }

            var raw = tensor.HasRawData ? tensor.RawData.ToByteArray() : TypedData(tensor, type, count, size, where);
            if (raw.LongLength != expected)
            {
                throw new OnnxFormatException($"{where} has {raw.LongLength} bytes of data for shape [{string.Join(", ", dims)}] ({expected} expected)");
            }

            return new OnnxInitializer(tensor.Name, type, dims, raw);
        }

        private static byte[] TypedData(TensorProto tensor, TensorElementType type, long count, int size, string where)
        {
            switch (type)
            {
                case TensorElementType.Float or TensorElementType.Complex64:
                    return MemoryMarshal.AsBytes(tensor.FloatData.ToArray().AsSpan()).ToArray();
                case TensorElementType.Int64:
                    return MemoryMarshal.AsBytes(tensor.Int64Data.ToArray().AsSpan()).ToArray();
                case TensorElementType.Double or TensorElementType.Complex128:
                    return MemoryMarshal.AsBytes(tensor.DoubleData.ToArray().AsSpan()).ToArray();
                case TensorElementType.UInt32:
                    return tensor.Uint64Data.SelectMany(v => BitConverter.GetBytes((uint)v)).ToArray();
                case TensorElementType.UInt64:
                    return MemoryMarshal.AsBytes(tensor.Uint64Data.ToArray().AsSpan()).ToArray();
                default:
                    // int32_data carries every type of 4 bytes or fewer, one element per int32.
                    if (tensor.Int32Data.Count != count)
                    {
                        throw new OnnxFormatException($"{where} has {tensor.Int32Data.Count} int32_data values for {count} elements");
                    }

                    var bytes = new byte[count * size];
                    for (var i = 0; i < tensor.Int32Data.Count; i++)
                    {
                        var value = tensor.Int32Data[i];
                        switch (size)
                        {
                            case 1:
                                bytes[i] = (byte)value;
                                break;
                            case 2:
                                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)value);
                                break;
                            default:
                                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), value);
                                break;
                        }
                    }

                    return bytes;
            }
        }

        private OnnxInitializer? External(TensorProto tensor, TensorElementType type, long[] dims, long expected, string where)
        {
            var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            if (!entries.TryGetValue("location", out var location) || location.Length == 0)
            {
                Issues.Add($"{where} is stored as external data with no location; skipped");
                return null;
            }

            if (externalDataDirectory is null)
            {
                Issues.Add($"{where} is stored in the external file '{location}', which is not read when the model comes as bytes; skipped");
                return null;
            }

            var directory = Path.GetFullPath(externalDataDirectory);
            var path = Path.GetFullPath(Path.Combine(directory, location));
            if (Path.IsPathRooted(location) || !path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                Issues.Add($"{where} names the external file '{location}', outside the model's directory; skipped");
                return null;
            }

            long offset = 0;
            if (entries.TryGetValue("offset", out var o) && (!long.TryParse(o, out offset) || offset < 0))
            {
                Issues.Add($"{where} has an invalid external-data offset '{o}'; skipped");
                return null;
            }

            var length = expected;
            if (entries.TryGetValue("length", out var l) && (!long.TryParse(l, out length) || length != expected))
            {
                Issues.Add($"{where} has external-data length '{l}' but its shape needs {expected} bytes; skipped");
                return null;
            }

            if (!File.Exists(path))
            {
                Issues.Add($"{where} is stored in the external file '{location}', which does not exist; skipped");
                return null;
            }

            using var file = File.OpenHandle(path);
            if (RandomAccess.GetLength(file) < offset + length)
            {
                Issues.Add($"{where}: the external file '{location}' is shorter than offset {offset} + length {length}; skipped");
                return null;
            }

            if (length > Array.MaxLength)
            {
                Issues.Add($"{where} is {length} bytes, more than one array holds; skipped");
                return null;
            }

            var raw = new byte[length];
            RandomAccess.Read(file, raw, offset);
            return new OnnxInitializer(tensor.Name, type, dims, raw) { ExternalLocation = location };
        }

        private OnnxInitializer? Sparse(SparseTensorProto sparse, string graph)
        {
            var name = sparse.Values?.Name ?? "";
            var where = $"{graph}/sparse initializer '{name}'";
            if (sparse.Values is null || sparse.Indices is null || Tensor(sparse.Values, $"{where} values") is not { } values
                || Tensor(sparse.Indices, $"{where} indices") is not { ElementType: TensorElementType.Int64 } indices)
            {
                Issues.Add($"{where} has no usable int64 indices or values; skipped");
                return null;
            }

            var dims = sparse.Dims.ToArray();
            var size = TensorElementTypes.SizeOf(values.ElementType);
            var count = ElementCount(dims, where);
            if (count * size > Array.MaxLength)
            {
                Issues.Add($"{where} would be {count * size} bytes dense; skipped");
                return null;
            }

            var nonZero = values.ElementCount;
            var index = indices.ToInt64s();
            var rank = indices.Dims.Count == 2 ? (int)indices.Dims[1] : 1;
            if (index.LongLength != nonZero * rank || (rank != 1 && rank != dims.Length))
            {
                Issues.Add($"{where} has {index.Length} indices for {nonZero} values of rank {dims.Length}; skipped");
                return null;
            }

            var dense = new byte[count * size];
            for (var v = 0L; v < nonZero; v++)
            {
                var flat = 0L;
                for (var d = 0; d < rank; d++)
                {
                    var i = index[(v * rank) + d];
                    var bound = rank == 1 ? count : dims[d];
                    if (i < 0 || i >= bound)
                    {
                        Issues.Add($"{where} has index {i} outside [0, {bound}); skipped");
                        return null;
                    }

                    flat = rank == 1 ? i : (flat * dims[d]) + i;
                }

                values.RawData.Span.Slice((int)(v * size), size).CopyTo(dense.AsSpan((int)(flat * size)));
            }

            return new OnnxInitializer(name, values.ElementType, dims, dense) { WasSparse = true };
        }

        private static long ElementCount(long[] dims, string where)
        {
            var count = 1L;
            foreach (var d in dims)
            {
                if (d < 0 || (d > 0 && count > long.MaxValue / 16 / d))
                {
                    throw new OnnxFormatException($"{where} has an invalid shape [{string.Join(", ", dims)}]");
                }

                count *= d;
            }

            return count;
        }
    }
}
