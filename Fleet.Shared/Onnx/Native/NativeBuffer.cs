using System.Runtime.InteropServices;

namespace Fleet.Shared.Onnx.Native;

/// <summary>Zeroed, 64-byte aligned native memory that the GC never moves; freed when the last reference is released.</summary>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    public const int Alignment = 64;

    public NativeBuffer(nuint byteLength)
        : base(0, ownsHandle: true)
    {
        ByteLength = byteLength;
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
