namespace Fleet.Shared.Onnx.Format;

/// <summary>Attribute kinds; values are ONNX's <c>AttributeProto.AttributeType</c>.</summary>
public enum OnnxAttributeKind
{
    /// <summary>Unset (an attribute written by an old producer without its type).</summary>
    Undefined = 0,
    /// <summary>A 32-bit float.</summary>
    Float = 1,
    /// <summary>A 64-bit integer.</summary>
    Int = 2,
    /// <summary>A UTF-8 string.</summary>
    String = 3,
    /// <summary>A tensor.</summary>
    Tensor = 4,
    /// <summary>A graph (the body of If, Loop or Scan).</summary>
    Graph = 5,
    /// <summary>A list of floats.</summary>
    Floats = 6,
    /// <summary>A list of 64-bit integers.</summary>
    Ints = 7,
    /// <summary>A list of strings.</summary>
    Strings = 8,
    /// <summary>A list of tensors.</summary>
    Tensors = 9,
    /// <summary>A list of graphs.</summary>
    Graphs = 10,
    /// <summary>A sparse tensor.</summary>
    SparseTensor = 11,
    /// <summary>A list of sparse tensors.</summary>
    SparseTensors = 12,
    /// <summary>A type.</summary>
    TypeProto = 13,
    /// <summary>A list of types.</summary>
    TypeProtos = 14,
}
