using System.Runtime.InteropServices;

namespace Fleet.Shared.Onnx;

/// <summary>Zeroed native memory on a 64-byte boundary (a cache line; what SIMD kernels like), freed by its SafeHandle.</summary>
internal sealed unsafe class AlignedMemory : SafeHandle
{
    public const int Alignment = 64;

    public AlignedMemory(nuint byteLength)
        : base(0, ownsHandle: true)
    {
        ByteLength = byteLength;
        // A zero-byte tensor still gets a real, freeable address.
        var pointer = NativeMemory.AlignedAlloc(byteLength == 0 ? 1 : byteLength, Alignment);
        NativeMemory.Clear(pointer, byteLength);
        SetHandle((nint)pointer);
    }

    public nuint ByteLength { get; }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
