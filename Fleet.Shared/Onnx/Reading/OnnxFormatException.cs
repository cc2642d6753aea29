namespace Fleet.Shared.Onnx.Reading;

/// <summary>The bytes are not an ONNX model this reader understands (truncated, garbage or unsupported).</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxFormatException(string message)
        : base(message)
    {
    }
}
