namespace Fleet.Shared.Onnx.Reading;

/// <summary>The bytes are not an ONNX model this reader understands (empty, truncated, garbage or contradictory).</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public OnnxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
