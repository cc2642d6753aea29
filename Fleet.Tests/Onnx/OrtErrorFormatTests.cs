using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Tests.Onnx;

/// <summary>
/// Microsoft.ML.OnnxRuntime exposes an error's code only as the message prefix <c>[ErrorCode:NAME]</c>; Fleet parses
/// it. These tests pin that format on the real runtime, so an upgrade that changes it fails here.
/// </summary>
public sealed class OrtErrorFormatTests
{
    [Fact]
    public void ManagedException_CarriesTheCodeAsAMessagePrefix()
    {
        var garbage = new byte[256];
        new Random(5).NextBytes(garbage);
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(garbage));
        var managed = Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
        Assert.StartsWith("[ErrorCode:InvalidProtobuf] ", managed.Message);
        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.DoesNotContain("[ErrorCode:", error.OrtMessage);
    }

    [Fact]
    public void ShapeMismatchFoundByOrtAtRunTime_KeepsOrtsCodeAndText()
    {
        // The declared input allows any shape, so only ORT's MatMul kernel can refuse 5 features against a 4-row weight.
        var g = new Fleet.Shared.Onnx.Writing.OnnxGraphBuilder("mismatch");
        var x = g.Input("x", TensorElementType.Float, -1, -1);
        g.Output(g.MatMul(x, g.Initializer("w", new float[8], 4, 2)), TensorElementType.Float, -1, 2);
        using var session = InferenceSession.Create(g.Build());
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new InputTensor("x", [1, 5], new float[5])]));
        Assert.StartsWith($"[ErrorCode:{error.ErrorCode}] ", error.InnerException!.Message);
        Assert.Contains("MatMul", error.OrtMessage);
    }

    [Theory]
    [InlineData("[ErrorCode:InvalidArgument] bad dims", OrtErrorCode.InvalidArgument, "bad dims")]
    [InlineData("[ErrorCode:NoSuchFile] Load model from x failed", OrtErrorCode.NoSuchFile, "Load model from x failed")]
    [InlineData("[ErrorCode:ShapeInferenceNotRegistered] ep", OrtErrorCode.EpFail, "ep")]
    [InlineData("[ErrorCode:14] missing", OrtErrorCode.NotFound, "missing")]
    public void Prefix_MapsToTheNativeCode(string message, OrtErrorCode code, string text)
    {
        Assert.Equal((code, text), OrtErrors.Parse(message));
    }

    [Fact]
    public void MessageWithoutThePrefix_IsNotMistakenForACode()
    {
        Assert.Null(OrtErrors.Parse("ErrorCode InvalidArgument"));
        Assert.Null(OrtErrors.Parse("[ErrorCode:NoSuchName] x"));
    }
}
