namespace Fleet.Shared.Onnx;

/// <summary>A failure reported by ONNX Runtime (or found before calling it), with ORT's error code and message.</summary>
public class OnnxRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ORT {errorCode}] {message}")
    {
        ErrorCode = errorCode;
        OrtMessage = message;
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message, Exception innerException)
        : base($"[ORT {errorCode}] {message}", innerException)
    {
        ErrorCode = errorCode;
        OrtMessage = message;
    }

    /// <summary>ORT's error code.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>ORT's message, without the code prefix.</summary>
    public string OrtMessage { get; }
}
