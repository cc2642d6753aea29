using Fleet.Shared.Onnx.Format;

using Ort = Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Fleet.Shared.Onnx;

/// <summary>
/// A tensor whose elements live in native, 64-byte aligned memory owned by the caller, wrapped in an ORT
/// <c>OrtValue</c> that points at that memory (ORT never copies it).
/// </summary>
/// <remarks>
/// Used for run inputs/outputs and for caller-owned initializers. Writes through <see cref="AsSpan{T}"/> are
/// seen by the next inference with no further call. A session that uses the tensor keeps the OrtValue and the
/// memory alive until the session is disposed, even if the tensor is disposed first (ORT keeps no reference).
/// </remarks>
public sealed unsafe class NativeTensor : IDisposable
{
    private readonly AlignedMemory _memory;
    private readonly Ort.OrtValue _value;
    private readonly long[] _shape;
    private readonly Lock _gate = new();
    // The owner's hold plus one per session using the tensor; the native parts go when it reaches 0.
    private int _holds = 1;
    private bool _disposed;

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
        _memory = new AlignedMemory((nuint)(count * TensorElementTypes.SizeOf(elementType)));
        try
        {
            OnnxRuntime.Initialize();
            _value = Ort.OrtValue.CreateTensorValueWithData(Ort.OrtMemoryInfo.DefaultInstance, (OrtElementType)(int)elementType, shape,
                _memory.DangerousGetHandle(), (long)_memory.ByteLength);
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            _memory.Dispose();
            throw OrtErrors.Wrap(ex);
        }
        catch
        {
            _memory.Dispose();
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
    public int ByteLength => (int)_memory.ByteLength;

    /// <summary>Address of the first element; stable for the tensor's lifetime.</summary>
    public nint DataPointer => _memory.DangerousGetHandle();

    internal Ort.OrtValue Value => _value;

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

        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Span<T>((void*)_memory.DangerousGetHandle(), ElementCount);
    }

    /// <summary>The raw bytes, read/write (e.g. for digests, bit flips and restores).</summary>
    public Span<byte> AsBytes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Span<byte>((void*)_memory.DangerousGetHandle(), ByteLength);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        Release();
    }

    /// <summary>Keeps the OrtValue and its memory alive for a session; balanced by <see cref="ReleaseFromSession"/>.</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    internal void AddRefForSession()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _holds++;
        }
    }

    internal void ReleaseFromSession() => Release();

    private void Release()
    {
        lock (_gate)
        {
            if (--_holds > 0)
            {
                return;
            }
        }

        _value.Dispose();
        _memory.Dispose();
    }
}
