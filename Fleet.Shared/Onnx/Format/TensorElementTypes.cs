namespace Fleet.Shared.Onnx.Format;

/// <summary>Sizes and CLR types of the element types Fleet moves tensor data for.</summary>
public static class TensorElementTypes
{
    /// <summary>Bytes per element; throws for types the binding cannot hold.</summary>
    public static int SizeOf(TensorElementType type) =>
        TrySizeOf(type) is { } size ? size : throw new NotSupportedException($"tensor element type {type} is not one Fleet moves tensor data for");

    /// <summary>Bytes per element of a fixed-size type; null for strings, undefined and unknown types.</summary>
    public static int? TrySizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Double or TensorElementType.Complex64 => 8,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Complex128 => 16,
        _ => null,
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
