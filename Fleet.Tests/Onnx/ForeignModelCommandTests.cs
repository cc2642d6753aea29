using System.Text.Json;
using Fleet.Cli.Models;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Onnx;

/// <summary>
/// <c>fleet model run|inspect</c> on models someone else wrote: a small CNN (opset 13), an LSTM (opset 14), a GRU
/// (opset 17) and a model with external data (opset 15), written by python3-onnx at test time.
/// </summary>
public sealed class ForeignModelCommandTests : IClassFixture<ForeignModelCommandTests.Models>
{
    private readonly Models _models;

    public ForeignModelCommandTests(Models models) => _models = models;

    [Fact]
    public void Cnn_RunsOnNestedArrays_AndItsOutputFeedsTheNextModelAsInput()
    {
        var image = Enumerable.Range(0, 2).Select(n => new[] { Enumerable.Range(0, 8).Select(r => Enumerable.Range(0, 8).Select(c => MathF.Sin((n * 64) + (r * 8) + c)).ToArray()).ToArray() }).ToArray();
        var features = Run("cnn.onnx", JsonSerializer.Serialize(new { x = image }));
        Assert.Equal([2L, 3], features.GetProperty("features").GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

        // The printed form goes straight back in: {"features": {"shape": [...], "data": [...]}}.
        var score = Run("head.onnx", features.GetRawText());
        var expected = features.GetProperty("features").GetProperty("data").EnumerateArray().Select(v => MathF.Max(0, v.GetSingle()));
        Assert.Equal(expected, score.GetProperty("score").GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));

        // And the CLI computes what the session computes from the same numbers.
        using var session = InferenceSession.Load(_models.PathOf("cnn.onnx"));
        var direct = session.Run([new InputTensor("x", [2, 1, 8, 8], image.SelectMany(n => n.SelectMany(c => c.SelectMany(r => r))).ToArray())])[0].Floats!;
        Assert.Equal(direct, features.GetProperty("features").GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public void Lstm_FreeSequenceLength_TakesItsShapeFromTheInputFile()
    {
        var sequence = new { X = new { shape = new[] { 5, 1, 2 }, data = Enumerable.Range(0, 10).Select(i => i * 0.1f).ToArray() } };
        var y = Run("lstm.onnx", JsonSerializer.Serialize(sequence)).GetProperty("Y");
        Assert.Equal([5L, 1, 1, 3], y.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.All(y.GetProperty("data").EnumerateArray(), v => Assert.InRange(v.GetSingle(), -1f, 1f));

        // Flat data with one free dimension: the count decides it (4 steps of [1, 2]).
        var flat = Run("lstm.onnx", "{\"X\": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}").GetProperty("Y");
        Assert.Equal([4L, 1, 1, 3], flat.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public void Gru_WithAnUnnamedFirstOutput_RunsAndInspects()
    {
        var h = Run("gru.onnx", "{\"X\": [[[0.5, -0.5]], [[0.25, 0.75]], [[1, 0]]]}").GetProperty("Y_h");
        Assert.Equal([1L, 1, 4], h.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

        var json = Inspect("gru.onnx");
        Assert.Equal(17, json.GetProperty("opset").GetInt32());
        var input = json.GetProperty("inputs")[0];
        Assert.Equal(("X", "Float"), (input.GetProperty("name").GetString(), input.GetProperty("type").GetString()));
        Assert.Equal([-1L, 1, 2], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("Y_h", json.GetProperty("outputs")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void ExternalData_RunsAndInspectsWithTheWeightsFromTheDataFile()
    {
        var y = Run("external.onnx", "{\"x\": [[1, 0, 0, 0, 0, 0, 0, 0]]}").GetProperty("y");
        Assert.Equal(Enumerable.Range(0, 16).Select(i => i * 0.25f), y.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));

        var json = Inspect("external.onnx");
        Assert.Equal(15, json.GetProperty("opset").GetInt32());
        var w = json.GetProperty("initializers")[0];
        Assert.Equal("big.data", w.GetProperty("external").GetString());
        Assert.Equal(8 * 16 * 4, w.GetProperty("bytes").GetInt32());
        Assert.Equal(0, json.GetProperty("issues").GetArrayLength());
    }

    [Fact]
    public void InputThatFitsNoForm_ListsTheAcceptedForms()
    {
        var error = new StringWriter();
        Assert.Equal(2, ModelCommand.Guard("run", error, () => RunCommand.Run(_models.PathOf("lstm.onnx"), "{\"X\": \"abc\"}", TextWriter.Null)));
        Assert.Contains("\"shape\": [...], \"data\": [...]", error.ToString());
        Assert.Contains("nested arrays", error.ToString());

        error = new StringWriter();
        Assert.Equal(2, ModelCommand.Guard("run", error, () => RunCommand.Run(_models.PathOf("lstm.onnx"), "{\"X\": {\"shape\": [2, 1, 2], \"data\": [1, 2, 3]}}", TextWriter.Null)));
        Assert.Contains("holds 4 values", error.ToString());

        error = new StringWriter();
        Assert.Equal(2, ModelCommand.Guard("run", error, () => RunCommand.Run(_models.PathOf("lstm.onnx"), "{\"X\": [1, 2, 3]}", TextWriter.Null)));
        Assert.Contains("do not fill it", error.ToString());
    }

    private JsonElement Run(string model, string input)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(ModelCommand.Guard("run", error, () => RunCommand.Run(_models.PathOf(model), input, output)) == 0, error.ToString());
        using var json = JsonDocument.Parse(output.ToString());
        return json.RootElement.Clone();
    }

    private JsonElement Inspect(string model)
    {
        var output = new StringWriter();
        Assert.Equal(0, InspectCommand.Run(_models.PathOf(model), asJson: true, output));
        using var json = JsonDocument.Parse(output.ToString());
        return json.RootElement.Clone();
    }

    /// <summary>Writes the models once per class with python3-onnx (seeded weights), and checks each with onnx.checker.</summary>
    public sealed class Models : IAsyncLifetime
    {
        private const string Script = """
            import sys, os, numpy as np, onnx
            from onnx import helper as h, TensorProto as T, numpy_helper as nh
            d = sys.argv[1]
            rng = np.random.default_rng(7)
            def w(name, *shape): return nh.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)
            def save(nodes, name, inputs, outputs, inits, opset, **kw):
                g = h.make_graph(nodes, name.split(".")[0], inputs, outputs, inits)
                m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="python-onnx")
                m.ir_version = 8
                onnx.save_model(m, os.path.join(d, name), **kw)
                onnx.checker.check_model(os.path.join(d, name))
            f = lambda n, s: h.make_tensor_value_info(n, T.FLOAT, s)

            # CNN: [N,1,8,8] -> Conv 3x3 (4) -> Relu -> MaxPool 2 -> Flatten -> Gemm -> [N,3]
            save([h.make_node("Conv", ["x", "cw", "cb"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                  h.make_node("Relu", ["c"], ["r"]),
                  h.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
                  h.make_node("Flatten", ["p"], ["flat"], axis=1),
                  h.make_node("Gemm", ["flat", "gw", "gb"], ["features"])],
                 "cnn.onnx", [f("x", ["N", 1, 8, 8])], [f("features", ["N", 3])],
                 [w("cw", 4, 1, 3, 3), w("cb", 4), w("gw", 64, 3), w("gb", 3)], 13)
            save([h.make_node("Relu", ["features"], ["score"])], "head.onnx", [f("features", ["N", 3])], [f("score", ["N", 3])], [], 13)

            # LSTM over [T,1,2], hidden 3.
            save([h.make_node("LSTM", ["X", "W", "R", "B"], ["Y"], hidden_size=3)], "lstm.onnx",
                 [f("X", ["T", 1, 2])], [f("Y", ["T", 1, 1, 3])], [w("W", 1, 12, 2), w("R", 1, 12, 3), w("B", 1, 24)], 14)

            # GRU over [T,1,2], hidden 4, only the last hidden state as output (Y unnamed).
            save([h.make_node("GRU", ["X", "W", "R", "B"], ["", "Y_h"], hidden_size=4, linear_before_reset=1)], "gru.onnx",
                 [f("X", ["T", 1, 2])], [f("Y_h", [1, 1, 4])], [w("W", 1, 12, 2), w("R", 1, 12, 4), w("B", 1, 24)], 17)

            # x[1,8] . W[8,16] with W in big.data; W[i,j] = (16*i + j) / 4.
            big = nh.from_array((np.arange(128, dtype=np.float32).reshape(8, 16) * 0.25), "w")
            save([h.make_node("MatMul", ["x", "w"], ["y"])], "external.onnx", [f("x", [1, 8])], [f("y", [1, 16])], [big], 15,
                 save_as_external_data=True, all_tensors_to_one_file=True, location="big.data", size_threshold=0)
            print("ok")
            """;

        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("fleet-foreign-cli-");

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
