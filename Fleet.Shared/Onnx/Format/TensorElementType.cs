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
    /// <summary>16-bit unsigned integer.</summary>
    UInt16 = 4,
    /// <summary>16-bit signed integer.</summary>
    Int16 = 5,
    /// <summary>32-bit signed integer.</summary>
    Int32 = 6,
    /// <summary>64-bit signed integer.</summary>
    Int64 = 7,
    /// <summary>UTF-8 string (metadata only; Fleet does not create string tensors).</summary>
    String = 8,
    /// <summary>Boolean.</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
    /// <summary>32-bit unsigned integer.</summary>
    UInt32 = 12,
    /// <summary>64-bit unsigned integer.</summary>
    UInt64 = 13,
    /// <summary>Complex of two 32-bit floats.</summary>
    Complex64 = 14,
    /// <summary>Complex of two 64-bit floats.</summary>
    Complex128 = 15,
    /// <summary>Brain floating point (16 bits).</summary>
    BFloat16 = 16,
}
