using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Onnx;

/// <summary>
/// Models written by the official onnx library (Debian's python3-onnx, at test time) with what foreign models
/// carry: sparse initializers, external data, If subgraphs, every attribute kind, typed (not raw) tensor data.
/// The reader reads them, reports what it cannot use, and ORT agrees with what it read.
/// </summary>
public sealed class ForeignModelReaderTests : IClassFixture<ForeignModelReaderTests.Models>
{
    private readonly Models _models;

    public ForeignModelReaderTests(Models models) => _models = models;

    [Fact]
    public void SparseInitializer_IsReadDense_AndOrtComputesWithTheSameValues()
    {
        var model = OnnxModelReader.ReadFile(_models.PathOf("sparse.onnx"));
        var s = Assert.Single(model.Graph.Initializers);
        Assert.True(s.WasSparse);
        Assert.Equal([2L, 3], s.Dims);
        Assert.Equal([0f, 1.5f, 0f, 0f, 0f, -2f], s.ToFloats());
        Assert.Empty(model.Issues);

        using var session = InferenceSession.Load(_models.PathOf("sparse.onnx"));
        var y = session.Run([new InputTensor("x", [2, 3], [1f, 1f, 1f, 1f, 1f, 1f])])[0].Floats!;
        Assert.Equal(s.ToFloats().Select(v => v + 1f), y);
    }

    [Fact]
    public void ExternalData_IsReadFromTheFileBesideTheModel_AndReportedWhenOnlyBytesAreGiven()
    {
        var path = _models.PathOf("external.onnx");
        var model = OnnxModelReader.ReadFile(path);
        var w = Assert.Single(model.Graph.Initializers);
        Assert.Equal("external.data", w.ExternalLocation);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 0.5f), w.ToFloats());

        var fromBytes = OnnxModelReader.Read(File.ReadAllBytes(path));
        Assert.Empty(fromBytes.Graph.Initializers);
        Assert.Contains(fromBytes.Issues, i => i.Contains("external.data", StringComparison.Ordinal) && i.Contains("'w'", StringComparison.Ordinal));

        using var session = InferenceSession.Load(path);
        var y = session.Run([new InputTensor("x", [1, 4], [1f, 0f, 0f, 1f])])[0].Floats!;
        var weights = w.ToFloats();
        Assert.Equal(new[] { weights[0] + weights[9], weights[1] + weights[10], weights[2] + weights[11] }, y);
    }

    [Fact]
    public void IfSubgraphs_AreReadAsGraphAttributes_AndOrtTakesTheBranchTheConditionSelects()
    {
        var model = OnnxModelReader.ReadFile(_models.PathOf("if.onnx"));
        var node = model.Graph.Nodes.Single(n => n.OpType == "If");
        var then = node.Attributes["then_branch"];
        Assert.Equal(OnnxAttributeKind.Graph, then.Kind);
        var constant = Assert.Single(Assert.Single(then.Graphs).Nodes);
        Assert.Equal(OnnxAttributeKind.Tensor, constant.Attributes["value"].Kind);
        Assert.Equal([1f, 2f], constant.Attributes["value"].Tensors.Single().ToFloats());
        Assert.Equal([3f, 4f], node.Attributes["else_branch"].Graphs.Single().Nodes.Single().Attributes["value"].Tensors.Single().ToFloats());

        using var session = InferenceSession.Load(_models.PathOf("if.onnx"));
        Assert.Equal([1f, 2f], session.Run([new InputTensor("x", [1], [1f])])[0].Floats!);
        Assert.Equal([3f, 4f], session.Run([new InputTensor("x", [1], [0f])])[0].Floats!);
    }

    [Fact]
    public void EveryAttributeKind_IsRead_AndTypeAttributesAreReportedNotRead()
    {
        var model = OnnxModelReader.ReadFile(_models.PathOf("attributes.onnx"));
        var a = model.Graph.Nodes.Single().Attributes;
        Assert.Equal(0.25f, a["f"].Float);
        Assert.Equal(7, a["i"].Int);
        Assert.Equal("text", a["s"].Text);
        Assert.Equal([5L, 6], a["t"].Tensors.Single().ToInt64s());
        Assert.Equal("body", a["g"].Graphs.Single().Name);
        Assert.Equal([0.5f, 1.5f], a["floats"].Floats);
        Assert.Equal([1L, 2, 3], a["ints"].Ints);
        Assert.Equal(["a", "b"], a["strings"].Texts);
        Assert.Equal(2, a["tensors"].Tensors.Count);
        Assert.Equal(["body", "body"], a["graphs"].Graphs.Select(g => g.Name));
        Assert.Equal(OnnxAttributeKind.TypeProto, a["tp"].Kind);
        Assert.Contains(model.Issues, i => i.Contains("'tp'", StringComparison.Ordinal) && i.Contains("not read", StringComparison.Ordinal));
    }

    [Fact]
    public void TypedTensorData_IsConvertedToTheSameBytesAsRawData()
    {
        var model = OnnxModelReader.ReadFile(_models.PathOf("typed.onnx"));
        var byName = model.Graph.Initializers.ToDictionary(i => i.Name);
        Assert.Equal([1f, -2f, 3.25f], byName["f"].ToFloats());
        Assert.Equal([-3, 4, 127], byName["i8"].RawData.ToArray().Select(b => (int)(sbyte)b));
        Assert.Equal(TensorElementType.Int8, byName["i8"].ElementType);
        Assert.Equal([long.MinValue, 9], byName["i64"].ToInt64s());
        Assert.Equal(BitConverter.GetBytes(2.5).Concat(BitConverter.GetBytes(-1.0)), byName["d"].RawData.ToArray());
    }

    /// <summary>Writes the models once per class with python3-onnx.</summary>
    public sealed class Models : IAsyncLifetime
    {
        private const string Script = """
            import sys, os, numpy as np, onnx
            from onnx import helper as h, TensorProto as T, numpy_helper as nh
            d = sys.argv[1]
            def save(graph, name, opset=13, **kw):
                m = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)], producer_name="python-onnx")
                m.ir_version = 8
                onnx.save_model(m, os.path.join(d, name), **kw)
                return m

            # x + S, S sparse [2,3] with 1.5 at 1 and -2 at 5 (linear indices).
            values = h.make_tensor("S", T.FLOAT, [2], [1.5, -2.0])
            indices = h.make_tensor("S_idx", T.INT64, [2], [1, 5])
            sparse = h.make_sparse_tensor(values, indices, [2, 3])
            g = h.make_graph([h.make_node("Add", ["x", "S"], ["y"])], "sparse",
                [h.make_tensor_value_info("x", T.FLOAT, [2, 3])], [h.make_tensor_value_info("y", T.FLOAT, [2, 3])],
                sparse_initializer=[sparse])
            onnx.checker.check_model(save(g, "sparse.onnx"))

            # x[1,4] · W[4,3], W in external.data.
            w = nh.from_array(np.arange(12, dtype=np.float32).reshape(4, 3) * 0.5, "w")
            g = h.make_graph([h.make_node("MatMul", ["x", "w"], ["y"])], "external",
                [h.make_tensor_value_info("x", T.FLOAT, [1, 4])], [h.make_tensor_value_info("y", T.FLOAT, [1, 3])], [w])
            save(g, "external.onnx", opset=15, save_as_external_data=True, all_tensors_to_one_file=True, location="external.data", size_threshold=0)
            onnx.checker.check_model(os.path.join(d, "external.onnx"))

            # If(Cast(x) to bool): then [1,2], else [3,4].
            def branch(name, vals):
                c = h.make_node("Constant", [], [name + "_out"], value=h.make_tensor(name + "_v", T.FLOAT, [2], vals))
                return h.make_graph([c], name, [], [h.make_tensor_value_info(name + "_out", T.FLOAT, [2])])
            nodes = [h.make_node("Cast", ["x"], ["c"], to=T.BOOL),
                     h.make_node("Reshape", ["c", "scalar"], ["cond"]),
                     h.make_node("If", ["cond"], ["y"], then_branch=branch("then", [1, 2]), else_branch=branch("else", [3, 4]))]
            g = h.make_graph(nodes, "if", [h.make_tensor_value_info("x", T.FLOAT, [1])], [h.make_tensor_value_info("y", T.FLOAT, [2])],
                [h.make_tensor("scalar", T.INT64, [0], [])])
            onnx.checker.check_model(save(g, "if.onnx", opset=16))

            # One node of a custom domain carrying every attribute kind (read only; no runtime knows the op).
            body = h.make_graph([], "body", [], [])
            t = lambda n, v: h.make_tensor(n, T.INT64, [len(v)], v)
            node = h.make_node("Everything", ["x"], ["y"], domain="fleet.test", f=0.25, i=7, s="text", t=t("t", [5, 6]), g=body,
                floats=[0.5, 1.5], ints=[1, 2, 3], strings=["a", "b"], tensors=[t("a", [1]), t("b", [2])], graphs=[body, body])
            node.attribute.append(h.make_attribute("tp", h.make_tensor_type_proto(T.FLOAT, [1])))
            g = h.make_graph([node], "attributes", [h.make_tensor_value_info("x", T.FLOAT, [1])], [h.make_tensor_value_info("y", T.FLOAT, [1])])
            m = h.make_model(g, opset_imports=[h.make_opsetid("", 13), h.make_opsetid("fleet.test", 1)])
            onnx.save_model(m, os.path.join(d, "attributes.onnx"))

            # Typed fields instead of raw_data: float_data, int32_data (int8), int64_data, double_data.
            inits = [h.make_tensor("f", T.FLOAT, [3], [1, -2, 3.25]), h.make_tensor("i8", T.INT8, [3], [-3, 4, 127]),
                     h.make_tensor("i64", T.INT64, [2], [-(2**63), 9]), h.make_tensor("d", T.DOUBLE, [2], [2.5, -1.0])]
            g = h.make_graph([h.make_node("Identity", ["x"], ["y"])], "typed", [h.make_tensor_value_info("x", T.FLOAT, [1])],
                [h.make_tensor_value_info("y", T.FLOAT, [1])], inits)
            save(g, "typed.onnx")
            print("ok")
            """;

        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("fleet-foreign-onnx-");

        public string PathOf(string name) => Path.Combine(_directory.FullName, name);

        public async Task InitializeAsync()
        {
            var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Script, _directory.FullName], TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0 && result.StandardOutput.Trim() == "ok", result.StandardError);
        }

        public Task DisposeAsync()
        {
            _directory.Delete(recursive: true);
            return Task.CompletedTask;
        }
    }
}
