using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Onnx.Writing;

namespace Fleet.Tests.Onnx;

/// <summary>Truncated, garbage or unsupported models and wrong inputs raise clear exceptions and never take the process down.</summary>
public sealed class BadInputTests
{
    [Fact]
    public void Garbage_IsRejectedByOrtWithItsErrorCode()
    {
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(garbage));
        Assert.NotEqual(OrtErrorCode.Ok, error.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(error.OrtMessage));
        Assert.Throws<OnnxFormatException>(() => OnnxModelReader.Read(garbage));
    }

    [Fact]
    public void EmptyModel_IsRejectedClearly()
    {
        Assert.Contains("empty", Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create([])).Message);
        Assert.Throws<OnnxFormatException>(() => OnnxModelReader.Read([]));
    }

    [Fact]
    public void EveryTruncation_OfAValidModel_FailsWithAnExceptionNotACrash()
    {
        var model = OnnxTestModels.Get("Mlp").Model;
        var step = Math.Max(1, model.Length / 97);
        for (var length = 1; length < model.Length; length += step)
        {
            var truncated = model.AsSpan(0, length).ToArray();
            try
            {
                using var session = InferenceSession.Create(truncated);
            }
            catch (OnnxRuntimeException)
            {
                // Expected: ORT refuses it with a status.
            }

            try
            {
                OnnxModelReader.Read(truncated);
            }
            catch (OnnxFormatException)
            {
                // Expected.
            }
        }
    }

    [Fact]
    public void UnsupportedOperator_IsRejectedWithOrtsMessage()
    {
        var g = new OnnxGraphBuilder("unknown");
        var x = g.Input("x", TensorElementType.Float, 1, 4);
        g.Output(g.Node("NoSuchOperator", [x]), TensorElementType.Float, 1, 4);
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(g.Build()));
        Assert.Contains("NoSuchOperator", error.Message);
    }

    [Fact]
    public void WrongInputShape_GivesAClearError()
    {
        var model = OnnxTestModels.Get("MatMul");
        using var session = InferenceSession.Create(model.Model);
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new InputTensor("x", [2, 5], new float[10])]));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("expects shape [2, 4]", error.Message);
    }

    [Fact]
    public void WrongInputType_MissingInput_UnknownInput_AndShortData_GiveClearErrors()
    {
        var model = OnnxTestModels.Get("MatMul");
        using var session = InferenceSession.Create(model.Model);
        Assert.Contains("Float", Assert.Throws<OnnxRuntimeException>(() => session.Run([new InputTensor("x", [2, 4], Int64s: new long[8])])).Message);
        Assert.Contains("not given", Assert.Throws<OnnxRuntimeException>(() => session.Run([])).Message);
        Assert.Contains("no input 'z'", Assert.Throws<OnnxRuntimeException>(() =>
            session.Run([new InputTensor("x", [2, 4], new float[8]), new InputTensor("z", [1], new float[1])])).Message);
        Assert.Contains("7 values", Assert.Throws<OnnxRuntimeException>(() => session.Run([new InputTensor("x", [2, 4], new float[7])])).Message);
    }

    [Fact]
    public void OrtItself_RejectsAShapeMismatchInsideTheGraph()
    {
        // The declared input allows any batch, but the weight only fits 4 features: ORT must refuse 5 at run time.
        var g = new OnnxGraphBuilder("mismatch");
        var x = g.Input("x", TensorElementType.Float, -1, -1);
        g.Output(g.MatMul(x, g.Initializer("w", new float[8], 4, 2)), TensorElementType.Float, -1, 2);
        using var session = InferenceSession.Create(g.Build());
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new InputTensor("x", [1, 5], new float[5])]));
        Assert.NotEqual(OrtErrorCode.Ok, error.ErrorCode);
    }

    [Fact]
    public void MissingModelFile_IsReportedAsNoSuchFile()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Load("/nonexistent/model.onnx"));
        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
    }

    [Fact]
    public void DisposedSession_RefusesToRun()
    {
        var model = OnnxTestModels.Get("Relu");
        var session = InferenceSession.Create(model.Model);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(model.Inputs));
    }

    [Fact]
    public void RandomByteMutations_OfAValidModel_ReadOrFailWithOnnxFormatExceptionOnly()
    {
        var model = OnnxTestModels.Get("Conv1d").Model;
        var random = new Random(99);
        for (var trial = 0; trial < 2000; trial++)
        {
            var mutated = model.ToArray();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            try
            {
                OnnxModelReader.Read(mutated);
            }
            catch (OnnxFormatException)
            {
                // The only acceptable failure.
            }
        }
    }

    [Fact]
    public void DisposedCallerOwnedTensor_IsRefusedBeforeOrtSeesIt()
    {
        var model = OnnxTestModels.Get("MatMul");
        var weights = CallerOwnedWeights.FromModel(OnnxModelReader.Read(model.Model));
        weights.Dispose();
        Assert.Throws<ObjectDisposedException>(() => InferenceSession.Create(model.Model, weights.ApplyTo()));
    }
}
