using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>An initializer (weight) with its data as little-endian bytes, exactly as a caller-owned tensor holds it.</summary>
/// <remarks>String tensors carry no bytes here.</remarks>
public sealed record OnnxInitializer(string Name, TensorElementType ElementType, IReadOnlyList<long> Dims, ReadOnlyMemory<byte> RawData)
{
    /// <summary>Where the bytes came from when not from the model itself: the external data file (relative to the model).</summary>
    public string? ExternalLocation { get; init; }

    /// <summary>True when the model stored this tensor sparse (values and indices) and the reader made it dense.</summary>
    public bool WasSparse { get; init; }

    /// <summary>Number of elements.</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The float32 elements (throws for other types).</summary>
    public float[] ToFloats() => ElementType == TensorElementType.Float
        ? MemoryMarshal.Cast<byte, float>(RawData.Span).ToArray()
        : throw new InvalidOperationException($"initializer '{Name}' holds {ElementType}, not Float");

    /// <summary>The int64 elements (throws for other types).</summary>
    public long[] ToInt64s() => ElementType == TensorElementType.Int64
        ? MemoryMarshal.Cast<byte, long>(RawData.Span).ToArray()
        : throw new InvalidOperationException($"initializer '{Name}' holds {ElementType}, not Int64");

    /// <summary>Lower-case hex SHA-256 of the raw bytes.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(RawData.Span));
}
