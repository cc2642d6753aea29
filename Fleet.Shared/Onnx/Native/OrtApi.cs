using System.Runtime.InteropServices;

namespace Fleet.Shared.Onnx.Native;

/// <summary>
/// Typed calls through the <c>OrtApi</c> function-pointer table. Every call that returns an
/// <c>OrtStatus*</c> goes through <see cref="Check"/>, which turns a failure into an <see cref="OnnxRuntimeException"/>.
/// </summary>
internal static unsafe partial class OrtApi
{
    private static nint* _table;

    /// <summary>The API table; <see cref="OnnxRuntime.EnsureInitialized"/> sets it before anything else runs.</summary>
    public static nint* Table
    {
        get
        {
            if (_table == null)
            {
                OnnxRuntime.EnsureInitialized();
            }

            return _table;
        }
    }

    internal static void SetTable(nint* table) => _table = table;

    public static void Check(nint status)
    {
        if (status != 0)
        {
            ThrowFromStatus(status);
        }
    }

    public static OnnxRuntimeException ExceptionFromStatus(nint status)
    {
        var code = ((delegate* unmanaged<nint, int>)Table[OrtApiIndex.GetErrorCode])(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)Table[OrtApiIndex.GetErrorMessage])(status)) ?? "";
        ((delegate* unmanaged<nint, void>)Table[OrtApiIndex.ReleaseStatus])(status);
        return new OnnxRuntimeException((OrtErrorCode)code, message);
    }

    private static void ThrowFromStatus(nint status) => throw ExceptionFromStatus(status);

    public static nint CreateStatus(OrtErrorCode code, string message)
    {
        var bytes = Utf8(message);
        fixed (byte* p = bytes)
        {
            return ((delegate* unmanaged<int, byte*, nint>)Table[OrtApiIndex.CreateStatus])((int)code, p);
        }
    }

    public static void Release(OrtObjectKind kind, nint pointer)
    {
        var index = kind switch
        {
            OrtObjectKind.Env => OrtApiIndex.ReleaseEnv,
            OrtObjectKind.Session => OrtApiIndex.ReleaseSession,
            OrtObjectKind.SessionOptions => OrtApiIndex.ReleaseSessionOptions,
            OrtObjectKind.Value => OrtApiIndex.ReleaseValue,
            OrtObjectKind.MemoryInfo => OrtApiIndex.ReleaseMemoryInfo,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        ((delegate* unmanaged<nint, void>)Table[index])(pointer);
    }

    public static OrtHandle CreateEnv(int logSeverity, string logId)
    {
        var id = Utf8(logId);
        nint env;
        fixed (byte* p = id)
        {
            Check(((delegate* unmanaged<int, byte*, nint*, nint>)Table[OrtApiIndex.CreateEnv])(logSeverity, p, &env));
        }

        return new OrtHandle(env, OrtObjectKind.Env);
    }

    public static OrtHandle CreateCpuMemoryInfo()
    {
        nint info;
        // OrtDeviceAllocator (0), OrtMemTypeDefault (0): plain CPU memory the caller allocated.
        Check(((delegate* unmanaged<int, int, nint*, nint>)Table[OrtApiIndex.CreateCpuMemoryInfo])(0, 0, &info));
        return new OrtHandle(info, OrtObjectKind.MemoryInfo);
    }

    public static string MemoryInfoGetName(nint memoryInfo)
    {
        byte* name;
        Check(((delegate* unmanaged<nint, byte**, nint>)Table[OrtApiIndex.MemoryInfoGetName])(memoryInfo, &name));
        return Marshal.PtrToStringUTF8((nint)name) ?? "";
    }

    public static int MemoryInfoGetId(nint memoryInfo)
    {
        int id;
        Check(((delegate* unmanaged<nint, int*, nint>)Table[OrtApiIndex.MemoryInfoGetId])(memoryInfo, &id));
        return id;
    }

    public static nint DefaultAllocator()
    {
        nint allocator;
        Check(((delegate* unmanaged<nint*, nint>)Table[OrtApiIndex.GetAllocatorWithDefaultOptions])(&allocator));
        return allocator;
    }

    public static void AllocatorFree(nint allocator, nint pointer) =>
        Check(((delegate* unmanaged<nint, nint, nint>)Table[OrtApiIndex.AllocatorFree])(allocator, pointer));

    public static OrtHandle CreateTensor(nint memoryInfo, nint data, nuint byteLength, ReadOnlySpan<long> shape, TensorElementType type)
    {
        nint value;
        fixed (long* s = shape)
        {
            Check(((delegate* unmanaged<nint, nint, nuint, long*, nuint, int, nint*, nint>)Table[OrtApiIndex.CreateTensorWithDataAsOrtValue])(
                memoryInfo, data, byteLength, s, (nuint)shape.Length, (int)type, &value));
        }

        return new OrtHandle(value, OrtObjectKind.Value);
    }

    public static nint GetTensorMutableData(nint value)
    {
        nint data;
        Check(((delegate* unmanaged<nint, nint*, nint>)Table[OrtApiIndex.GetTensorMutableData])(value, &data));
        return data;
    }

    /// <summary>Element type and shape of a tensor OrtValue, read back from ORT.</summary>
    public static (TensorElementType Type, long[] Shape) GetTensorTypeAndShape(nint value)
    {
        nint info;
        Check(((delegate* unmanaged<nint, nint*, nint>)Table[OrtApiIndex.GetTensorTypeAndShape])(value, &info));
        try
        {
            return ReadTensorInfo(info);
        }
        finally
        {
            ((delegate* unmanaged<nint, void>)Table[OrtApiIndex.ReleaseTensorTypeAndShapeInfo])(info);
        }
    }

    internal static byte[] Utf8(string value)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(value) + 1];
        System.Text.Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    private static (TensorElementType Type, long[] Shape) ReadTensorInfo(nint tensorInfo)
    {
        int type;
        Check(((delegate* unmanaged<nint, int*, nint>)Table[OrtApiIndex.GetTensorElementType])(tensorInfo, &type));
        nuint count;
        Check(((delegate* unmanaged<nint, nuint*, nint>)Table[OrtApiIndex.GetDimensionsCount])(tensorInfo, &count));
        var dims = new long[(int)count];
        fixed (long* d = dims)
        {
            Check(((delegate* unmanaged<nint, long*, nuint, nint>)Table[OrtApiIndex.GetDimensions])(tensorInfo, d, count));
        }

        return ((TensorElementType)type, dims);
    }
}
