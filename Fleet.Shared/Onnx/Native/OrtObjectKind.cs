namespace Fleet.Shared.Onnx.Native;

/// <summary>Kinds of ORT objects an <see cref="OrtHandle"/> owns; each has its own release function.</summary>
internal enum OrtObjectKind
{
    Env,
    Session,
    SessionOptions,
    Value,
    MemoryInfo,
}
