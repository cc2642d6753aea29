namespace Fleet.Shared.Onnx.Format;

/// <summary>Sizes and CLR types of the element types Fleet moves tensor data for.</summary>
public static class TensorElementTypes
{
    /// <summary>Bytes per element; throws for types the binding cannot hold.</summary>
    public static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 => 4,
        TensorElementType.Int64 or TensorElementType.Double => 8,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.Float16 => 2,
        _ => throw new NotSupportedException($"tensor element type {type} is not one Fleet moves tensor data for"),
    };

    /// <summary>The element type that matches <typeparamref name="T"/>.</summary>
    public static TensorElementType Of<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : typeof(T) == typeof(int) ? TensorElementType.Int32
        : typeof(T) == typeof(double) ? TensorElementType.Double
        : typeof(T) == typeof(byte) ? TensorElementType.UInt8
        : throw new NotSupportedException($"{typeof(T).Name} has no ONNX element type Fleet moves data for");
}
