namespace Fleet.Shared.Onnx.Format;

/// <summary>Tensor element types; the values are ONNX's <c>TensorProto.DataType</c> (and ORT's <c>ONNXTensorElementDataType</c>).</summary>
public enum TensorElementType
{
    /// <summary>Unknown or unset.</summary>
    Undefined = 0,
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,
    /// <summary>Unsigned byte.</summary>
    UInt8 = 2,
    /// <summary>Signed byte.</summary>
    Int8 = 3,
    /// <summary>32-bit signed integer.</summary>
    Int32 = 6,
    /// <summary>64-bit signed integer.</summary>
    Int64 = 7,
    /// <summary>UTF-8 string (metadata only; the binding does not create string tensors).</summary>
    String = 8,
    /// <summary>Boolean.</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
}
