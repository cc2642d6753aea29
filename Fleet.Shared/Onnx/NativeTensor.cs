using Fleet.Shared.Onnx.Native;

namespace Fleet.Shared.Onnx;

/// <summary>
/// A tensor whose elements live in native, 64-byte aligned memory owned by the caller, wrapped in an ORT
/// <c>OrtValue</c> that points at that memory (ORT never copies it).
/// </summary>
/// <remarks>
/// Used for run inputs/outputs and for caller-owned initializers. Writes through <see cref="AsSpan{T}"/> are
/// seen by the next inference with no further call. A session that uses the tensor keeps the memory alive
/// until the session is disposed, even if the tensor is disposed first.
/// </remarks>
public sealed unsafe class NativeTensor : IDisposable
{
    private readonly NativeBuffer _buffer;
    private readonly OrtHandle _value;
    private readonly long[] _shape;

    private NativeTensor(TensorElementType elementType, long[] shape)
    {
        var count = 1L;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count *= d;
        }

        ElementType = elementType;
        ElementCount = checked((int)count);
        _shape = shape;
        _buffer = new NativeBuffer((nuint)(count * TensorElementTypes.SizeOf(elementType)));
        try
        {
            _value = OrtApi.CreateTensor(OnnxRuntime.CpuMemoryInfo, _buffer.DangerousGetHandle(), _buffer.ByteLength, shape, elementType);
        }
        catch
        {
            _buffer.Dispose();
            throw;
        }
    }

    /// <summary>Element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>Dimensions (all concrete).</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public int ElementCount { get; }

    /// <summary>Size of the data in bytes.</summary>
    public int ByteLength => (int)_buffer.ByteLength;

    /// <summary>Address of the first element; stable for the tensor's lifetime.</summary>
    public nint DataPointer => _buffer.DangerousGetHandle();

    internal OrtHandle Value => _value;

    internal NativeBuffer Buffer => _buffer;

    /// <summary>Allocates a zeroed tensor.</summary>
    public static NativeTensor Create(TensorElementType elementType, ReadOnlySpan<long> shape) => new(elementType, shape.ToArray());

    /// <summary>Allocates a tensor and copies <paramref name="data"/> into it.</summary>
    public static NativeTensor Create<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var tensor = new NativeTensor(TensorElementTypes.Of<T>(), shape.ToArray());
        if (tensor.ElementCount != data.Length)
        {
            tensor.Dispose();
            throw new ArgumentException($"{data.Length} elements do not fill shape [{string.Join(", ", shape.ToArray())}] ({tensor.ElementCount} elements)", nameof(data));
        }

        data.CopyTo(tensor.AsSpan<T>());
        return tensor;
    }

    /// <summary>The elements, read/write. <typeparamref name="T"/> must match <see cref="ElementType"/>.</summary>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        if (TensorElementTypes.Of<T>() != ElementType)
        {
            throw new InvalidOperationException($"tensor holds {ElementType}, not {typeof(T).Name}");
        }

        ObjectDisposedException.ThrowIf(_buffer.IsClosed, this);
        return new Span<T>((void*)_buffer.DangerousGetHandle(), ElementCount);
    }

    /// <summary>The raw bytes, read/write (e.g. for digests, bit flips and restores).</summary>
    public Span<byte> AsBytes()
    {
        ObjectDisposedException.ThrowIf(_buffer.IsClosed, this);
        return new Span<byte>((void*)_buffer.DangerousGetHandle(), ByteLength);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _value.Dispose();
        _buffer.Dispose();
    }

    /// <summary>Keeps the OrtValue and its memory alive for a session; balanced by <see cref="ReleaseFromSession"/>.</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    internal void AddRefForSession()
    {
        var value = false;
        var buffer = false;
        try
        {
            _value.DangerousAddRef(ref value);
            _buffer.DangerousAddRef(ref buffer);
        }
        catch (ObjectDisposedException)
        {
            if (value)
            {
                _value.DangerousRelease();
            }

            throw;
        }
    }

    internal void ReleaseFromSession()
    {
        _value.DangerousRelease();
        _buffer.DangerousRelease();
    }

    /// <summary>Checks that ORT sees this value with the expected type and shape (used by tests of the binding).</summary>
    internal (TensorElementType Type, long[] Shape) ReadBackFromOrt() => OrtApi.GetTensorTypeAndShape(_value.DangerousGetHandle());

    internal nint ReadDataPointerFromOrt() => OrtApi.GetTensorMutableData(_value.DangerousGetHandle());
}
