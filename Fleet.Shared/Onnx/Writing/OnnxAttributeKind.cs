namespace Fleet.Shared.Onnx.Writing;

/// <summary>Attribute kinds; values are ONNX's <c>AttributeProto.AttributeType</c>.</summary>
public enum OnnxAttributeKind
{
    /// <summary>A 32-bit float.</summary>
    Float = 1,
    /// <summary>A 64-bit integer.</summary>
    Int = 2,
    /// <summary>A list of floats.</summary>
    Floats = 6,
    /// <summary>A list of 64-bit integers.</summary>
    Ints = 7,
}
