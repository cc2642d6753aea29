using System.Globalization;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Onnx.Writing;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Onnx;

/// <summary>What the writer produces is valid ONNX (Debian's onnx checker agrees) and reads back intact.</summary>
public sealed class WriterReaderTests
{
    [Fact]
    public async Task PythonOnnxChecker_AcceptsEveryWrittenModel_WithFullCheck()
    {
        var directory = Directory.CreateTempSubdirectory("fleet-onnx-check-");
        try
        {
            var cases = OnnxTestModels.All();
            foreach (var c in cases)
            {
                await File.WriteAllBytesAsync(Path.Combine(directory.FullName, c.Name + ".onnx"), c.Model);
            }

            const string Script = """
                import glob, sys, onnx
                paths = sorted(glob.glob(sys.argv[1] + "/*.onnx"))
                for p in paths:
                    onnx.checker.check_model(onnx.load(p), full_check=True)
                print(len(paths))
                """;
            var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Script, directory.FullName], TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal(cases.Count, int.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Reader_ReadsBackWhatTheWriterWrote()
    {
        var g = new OnnxGraphBuilder("roundtrip");
        var x = g.Input("x", TensorElementType.Float, -1, 3);
        var w = g.Initializer("w", [1f, -2f, 3.5f, 0f, 1e-7f, -0f], 3, 2);
        var y = g.Gemm(x, w, g.Initializer("b", [0.25f, -0.25f], 2), alpha: 0.5f);
        g.Output(y, TensorElementType.Float, -1, 2);
        var model = OnnxModelReader.Read(g.Build(opset: 17, producerName: "fleet-test"));

        Assert.Equal(OnnxGraphBuilder.IrVersion, model.IrVersion);
        Assert.Equal(17, model.DefaultOpset);
        Assert.Equal("fleet-test", model.ProducerName);
        Assert.Equal("roundtrip", model.Graph.Name);
        Assert.Equal([-1L, 3], model.Graph.Inputs.Single().Shape);
        Assert.Equal([1f, -2f, 3.5f, 0f, 1e-7f, -0f], model.Graph.Initializers[0].ToFloats());
        Assert.Equal([3L, 2], model.Graph.Initializers[0].Dims);
        var node = model.Graph.Nodes.Single();
        Assert.Equal("Gemm", node.OpType);
        Assert.Equal(0.5f, node.Float("alpha", 0));
        Assert.Equal(["x", "w", "b"], node.Inputs);
    }

    [Fact]
    public void InitializerDigest_ChangesWithOneBit()
    {
        var model = OnnxModelReader.Read(OnnxTestModels.Get("MatMul").Model);
        var init = model.Graph.Initializers.Single();
        var flipped = init.RawData.ToArray();
        flipped[5] ^= 0x01;
        Assert.NotEqual(init.Sha256(), (init with { RawData = flipped }).Sha256());
        Assert.Equal(64, init.Sha256().Length);
    }

    [Fact]
    public void Builder_RefusesOpsetsOutsideTheCheckersRange_AndDuplicateNames()
    {
        var g = new OnnxGraphBuilder("g");
        var x = g.Input("x", TensorElementType.Float, 1);
        g.Output(g.Relu(x), TensorElementType.Float, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Build(opset: 18));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Build(opset: 12));
        Assert.Throws<ArgumentException>(() => g.Input("x", TensorElementType.Float, 1));
    }

    [Fact]
    public void Build_GivesTheSameBytesEveryTime()
    {
        Assert.Equal(OnnxTestModels.Get("Conv1d").Model, OnnxTestModels.Get("Conv1d").Model);
        Assert.Equal(OnnxTestModels.Get("Mlp").Model, OnnxTestModels.Get("Mlp").Model);
    }

    [Fact]
    public void Save_WithExternalData_IsReadBackAndRunByOrt()
    {
        var directory = Directory.CreateTempSubdirectory("fleet-onnx-external-");
        try
        {
            var g = new OnnxGraphBuilder("external");
            var x = g.Input("x", TensorElementType.Float, 1, 2);
            g.Output(g.MatMul(x, g.Initializer("w", [1f, 2f, 3f, 4f], 2, 2)), TensorElementType.Float, 1, 2);
            var path = Path.Combine(directory.FullName, "m.onnx");
            g.Save(path, "m.weights");

            var model = OnnxModelReader.ReadFile(path);
            Assert.Equal("m.weights", model.Graph.Initializers.Single().ExternalLocation);
            Assert.Equal([1f, 2f, 3f, 4f], model.Graph.Initializers.Single().ToFloats());
            using var session = InferenceSession.Load(path);
            Assert.Equal([1f * 1 + 1f * 3, 1f * 2 + 1f * 4], session.Run([new InputTensor("x", [1, 2], [1f, 1f])])[0].Floats!);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
