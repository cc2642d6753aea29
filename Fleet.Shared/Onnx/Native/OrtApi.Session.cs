using System.Runtime.InteropServices;

namespace Fleet.Shared.Onnx.Native;

/// <summary>Session, session-option and metadata calls.</summary>
internal static unsafe partial class OrtApi
{
    public static OrtHandle CreateSessionOptions()
    {
        nint options;
        Check(((delegate* unmanaged<nint*, nint>)Table[OrtApiIndex.CreateSessionOptions])(&options));
        return new OrtHandle(options, OrtObjectKind.SessionOptions);
    }

    public static void SetGraphOptimizationLevel(nint options, GraphOptimizationLevel level) =>
        Check(((delegate* unmanaged<nint, int, nint>)Table[OrtApiIndex.SetSessionGraphOptimizationLevel])(options, (int)level));

    public static void SetIntraOpNumThreads(nint options, int threads) =>
        Check(((delegate* unmanaged<nint, int, nint>)Table[OrtApiIndex.SetIntraOpNumThreads])(options, threads));

    public static void SetInterOpNumThreads(nint options, int threads) =>
        Check(((delegate* unmanaged<nint, int, nint>)Table[OrtApiIndex.SetInterOpNumThreads])(options, threads));

    public static void AddSessionConfigEntry(nint options, string key, string value)
    {
        var k = Utf8(key);
        var v = Utf8(value);
        fixed (byte* pk = k)
        fixed (byte* pv = v)
        {
            Check(((delegate* unmanaged<nint, byte*, byte*, nint>)Table[OrtApiIndex.AddSessionConfigEntry])(options, pk, pv));
        }
    }

    public static void AddInitializer(nint options, string name, nint value)
    {
        var n = Utf8(name);
        fixed (byte* p = n)
        {
            Check(((delegate* unmanaged<nint, byte*, nint, nint>)Table[OrtApiIndex.AddInitializer])(options, p, value));
        }
    }

    public static OrtHandle CreateSessionFromArray(nint env, ReadOnlySpan<byte> model, nint options)
    {
        nint session;
        fixed (byte* m = model)
        {
            Check(((delegate* unmanaged<nint, byte*, nuint, nint, nint*, nint>)Table[OrtApiIndex.CreateSessionFromArray])(
                env, m, (nuint)model.Length, options, &session));
        }

        return new OrtHandle(session, OrtObjectKind.Session);
    }

    public static int SessionGetCount(nint session, bool outputs)
    {
        nuint count;
        var index = outputs ? OrtApiIndex.SessionGetOutputCount : OrtApiIndex.SessionGetInputCount;
        Check(((delegate* unmanaged<nint, nuint*, nint>)Table[index])(session, &count));
        return checked((int)count);
    }

    public static string SessionGetName(nint session, int i, bool output)
    {
        var allocator = DefaultAllocator();
        nint name;
        var index = output ? OrtApiIndex.SessionGetOutputName : OrtApiIndex.SessionGetInputName;
        Check(((delegate* unmanaged<nint, nuint, nint, nint*, nint>)Table[index])(session, (nuint)i, allocator, &name));
        try
        {
            return Marshal.PtrToStringUTF8(name) ?? "";
        }
        finally
        {
            AllocatorFree(allocator, name);
        }
    }

    /// <summary>Element type and shape of input/output <paramref name="i"/>; null when it is not a tensor.</summary>
    public static (TensorElementType Type, long[] Shape)? SessionGetTensorInfo(nint session, int i, bool output)
    {
        nint typeInfo;
        var index = output ? OrtApiIndex.SessionGetOutputTypeInfo : OrtApiIndex.SessionGetInputTypeInfo;
        Check(((delegate* unmanaged<nint, nuint, nint*, nint>)Table[index])(session, (nuint)i, &typeInfo));
        try
        {
            int onnxType;
            Check(((delegate* unmanaged<nint, int*, nint>)Table[OrtApiIndex.GetOnnxTypeFromTypeInfo])(typeInfo, &onnxType));
            const int OnnxTypeTensor = 1;
            if (onnxType != OnnxTypeTensor)
            {
                return null;
            }

            nint tensorInfo;
            Check(((delegate* unmanaged<nint, nint*, nint>)Table[OrtApiIndex.CastTypeInfoToTensorInfo])(typeInfo, &tensorInfo));
            return ReadTensorInfo(tensorInfo);
        }
        finally
        {
            ((delegate* unmanaged<nint, void>)Table[OrtApiIndex.ReleaseTypeInfo])(typeInfo);
        }
    }

    /// <summary>The hot call: no managed allocation, every array is native and prepared by the caller.</summary>
    public static nint Run(nint session, nint runOptions, nint* inputNames, nint* inputs, nuint inputCount, nint* outputNames, nuint outputCount, nint* outputs) =>
        ((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Table[OrtApiIndex.Run])(
            session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);
}
