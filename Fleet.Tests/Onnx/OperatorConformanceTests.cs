using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Onnx.Reference;
using Fleet.Shared.Onnx.Writing;

namespace Fleet.Tests.Onnx;

/// <summary>For every operator the writer emits, ORT's output equals the C# reference forward pass (max abs error ≤ 1e-5).</summary>
public sealed class OperatorConformanceTests
{
    private const float Tolerance = 1e-5f;

    [Theory]
    [MemberData(nameof(OnnxTestModels.Names), MemberType = typeof(OnnxTestModels))]
    public void Ort_MatchesReferenceForwardPass(string name)
    {
        var model = OnnxTestModels.Get(name);
        using var session = InferenceSession.Create(model.Model);
        var ort = session.Run(model.Inputs);
        var reference = new ReferenceEvaluator(OnnxModelReader.Read(model.Model)).Run(model.Inputs);

        Assert.Equal(reference.Count, ort.Count);
        for (var i = 0; i < ort.Count; i++)
        {
            Assert.Equal(reference[i].Name, ort[i].Name);
            Assert.Equal(reference[i].Shape, ort[i].Shape);
            var maxError = ort[i].Floats!.Zip(reference[i].Floats!, (a, b) => MathF.Abs(a - b)).Max();
            Assert.True(maxError <= Tolerance, $"{name} output {ort[i].Name}: max abs error {maxError} > {Tolerance}");
        }
    }

    [Fact]
    public void RunContext_GivesTheSameOutputsAsTheConvenienceRun()
    {
        var model = OnnxTestModels.Get("Mlp");
        using var session = InferenceSession.Create(model.Model);
        var expected = session.Run(model.Inputs);
        using var context = session.CreateRunContext(batchSize: 3);
        model.Inputs[0].Floats.AsSpan().CopyTo(context.Input(0).AsSpan<float>());
        context.Run();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Floats, context.Output(i).AsSpan<float>().ToArray());
        }
    }

    [Fact]
    public void Int64Tensors_FlowThroughBothRunPaths()
    {
        var g = new OnnxGraphBuilder("int64");
        var a = g.Input("a", TensorElementType.Int64, 2, 3);
        g.Output(g.Mul(g.Add(a, g.Initializer("b", [10L, 20L, 30L], 3)), g.Initializer("k", [3L], 1)), TensorElementType.Int64, 2, 3);
        using var session = InferenceSession.Create(g.Build());
        long[] input = [1, 2, 3, -4, -5, 6_000_000_000];
        long[] expected = [33, 66, 99, 18, 45, 18_000_000_090];

        var output = session.Run([new InputTensor("a", [2, 3], Int64s: input)])[0];
        Assert.Equal(TensorElementType.Int64, output.ElementType);
        Assert.Equal(expected, output.Int64s);

        using var context = session.CreateRunContext();
        input.CopyTo(context.Input("a").AsSpan<long>());
        context.Run();
        Assert.Equal(expected, context.Output(0).AsSpan<long>().ToArray());
    }

    [Fact]
    public void RunContextRun_AllocatesNoManagedMemory()
    {
        var model = OnnxTestModels.Get("Mlp");
        using var session = InferenceSession.Create(model.Model);
        using var context = session.CreateRunContext(batchSize: 3);
        context.Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            context.Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RunContext_AfterItsSessionIsDisposed_RefusesToRun()
    {
        var model = OnnxTestModels.Get("Relu");
        var session = InferenceSession.Create(model.Model);
        using var context = session.CreateRunContext(batchSize: 2);
        context.Run();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(context.Run);
    }
}
