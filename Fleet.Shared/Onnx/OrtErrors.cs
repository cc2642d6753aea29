using System.Globalization;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Fleet.Shared.Onnx;

/// <summary>Turns the managed API's exceptions into <see cref="OnnxRuntimeException"/> with ORT's error code.</summary>
/// <remarks>
/// Microsoft.ML.OnnxRuntime keeps the code in an internal enum and exposes it only as the message prefix
/// <c>[ErrorCode:NAME] </c>, where NAME is that enum's member name (or the number when it has none). The names are
/// mapped back to the native <c>OrtErrorCode</c> numbers here; <c>OrtErrorFormatTests</c> pins the format, so an
/// upgrade that changes it fails a test rather than silently turning every code into <see cref="OrtErrorCode.Fail"/>.
/// </remarks>
internal static class OrtErrors
{
    internal const string Prefix = "[ErrorCode:";

    // The managed enum's members in native order; 11 and 12 carry older names for what the C API calls EP_FAIL and
    // MODEL_LOAD_CANCELED, and the number is what matters.
    private static readonly string[] ManagedNames =
    [
        "Ok", "Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError", "RuntimeException", "InvalidProtobuf",
        "ModelLoaded", "NotImplemented", "InvalidGraph", "ShapeInferenceNotRegistered", "RequirementNotRegistered",
    ];

    /// <summary>Splits a managed message into the code and ORT's own text; null when the prefix is absent.</summary>
    internal static (OrtErrorCode Code, string Message)? Parse(string message)
    {
        if (!message.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = message.IndexOf(']', Prefix.Length);
        if (end < 0)
        {
            return null;
        }

        var name = message[Prefix.Length..end];
        var text = message[(end + 1)..].TrimStart();
        var index = Array.IndexOf(ManagedNames, name);
        if (index >= 0)
        {
            return ((OrtErrorCode)index, text);
        }

        return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? ((OrtErrorCode)number, text) : null;
    }

    /// <summary>The Fleet exception for a managed one; a message without the prefix keeps its whole text under <see cref="OrtErrorCode.Fail"/>.</summary>
    internal static OnnxRuntimeException Wrap(Ort.OnnxRuntimeException exception) =>
        Parse(exception.Message) is { } parsed
            ? new OnnxRuntimeException(parsed.Code, parsed.Message, exception)
            : new OnnxRuntimeException(OrtErrorCode.Fail, exception.Message, exception);
}
