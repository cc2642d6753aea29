namespace Fleet.Shared.Onnx;

/// <summary>The native ONNX Runtime library is missing or cannot be loaded on this machine.</summary>
public sealed class OnnxRuntimeNotAvailableException : OnnxRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeNotAvailableException(string message, Exception? innerException = null)
        : base(OrtErrorCode.Fail, message, innerException ?? new InvalidOperationException(message))
    {
    }
}
