using System.Runtime.InteropServices;

namespace Fleet.Shared.Onnx.Native;

/// <summary>Owns one ORT object and releases it through the matching <c>Release*</c> slot of the API table.</summary>
internal sealed class OrtHandle : SafeHandle
{
    private readonly OrtObjectKind _kind;

    public OrtHandle(nint pointer, OrtObjectKind kind)
        : base(0, ownsHandle: true)
    {
        _kind = kind;
        SetHandle(pointer);
    }

    public override bool IsInvalid => handle == 0;

    public OrtObjectKind Kind => _kind;

    protected override bool ReleaseHandle()
    {
        OrtApi.Release(_kind, handle);
        return true;
    }
}
