using System.Runtime.InteropServices;
using Fleet.Shared.Onnx.Native;

namespace Fleet.Shared.Onnx;

/// <summary>Loads the native ONNX Runtime library once per process and owns the process-wide ORT environment.</summary>
/// <remarks>
/// The library is found, in order, at the path given to <see cref="Initialize"/>, at <c>$FLEET_ORT_LIB</c>, and in
/// the cache <c>./fleet setup</c> fills (<c>$FLEET_CACHE_DIR</c>, <c>$XDG_CACHE_HOME/fleet</c> or <c>~/.cache/fleet</c>,
/// then <c>onnxruntime/1.30.0/linux-ARCH/libonnxruntime.so.1</c>). A missing or too old library raises
/// <see cref="OnnxRuntimeNotAvailableException"/> naming the path and the fix. The first successful load wins;
/// later calls with another path are refused rather than silently ignored.
/// </remarks>
public static unsafe class OnnxRuntime
{
    /// <summary>Environment variable naming the library file.</summary>
    public const string LibraryEnvironmentVariable = "FLEET_ORT_LIB";

    /// <summary>The OrtApi version requested; older runtimes do not serve it and are refused.</summary>
    public const uint ApiVersion = 16;

    /// <summary>The ORT release <c>./fleet setup</c> installs.</summary>
    public const string BundledVersion = "1.30.0";

    private static readonly Lock Gate = new();
    // Written last under the lock and read without it: volatile so no thread sees it before the table and env.
    private static volatile string? _libraryPath;
    private static string? _version;
    private static OrtHandle? _env;
    private static OrtHandle? _cpuMemory;

    /// <summary>Path of the loaded library; null until loaded.</summary>
    public static string? LibraryPath => _libraryPath;

    /// <summary>Version string the loaded library reports (e.g. "1.30.0").</summary>
    public static string Version
    {
        get
        {
            EnsureInitialized();
            return _version!;
        }
    }

    internal static nint Env
    {
        get
        {
            EnsureInitialized();
            return _env!.DangerousGetHandle();
        }
    }

    internal static nint CpuMemoryInfo
    {
        get
        {
            EnsureInitialized();
            return _cpuMemory!.DangerousGetHandle();
        }
    }

    /// <summary>The library path used when none is given: <c>$FLEET_ORT_LIB</c>, else the <c>./fleet setup</c> cache.</summary>
    public static string DefaultLibraryPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(LibraryEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var cache = Environment.GetEnvironmentVariable("FLEET_CACHE_DIR");
        if (string.IsNullOrWhiteSpace(cache))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            cache = Path.Combine(string.IsNullOrWhiteSpace(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg, "fleet");
        }

        var arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        return Path.Combine(cache, "onnxruntime", BundledVersion, $"linux-{arch}", "libonnxruntime.so.1");
    }

    /// <summary>Loads the library (once). Safe to call from many threads.</summary>
    /// <param name="libraryPath">Full path of libonnxruntime; null uses <see cref="DefaultLibraryPath"/>.</param>
    /// <exception cref="OnnxRuntimeNotAvailableException">The library is missing, not loadable or too old.</exception>
    public static void Initialize(string? libraryPath = null)
    {
        lock (Gate)
        {
            var path = Path.GetFullPath(libraryPath ?? DefaultLibraryPath());
            if (_libraryPath is not null)
            {
                if (libraryPath is not null && path != _libraryPath)
                {
                    throw new OnnxRuntimeNotAvailableException(
                        $"ONNX Runtime is already loaded from {_libraryPath}; a process can load only one (asked for {path}).");
                }

                return;
            }

            Load(path);
        }
    }

    internal static void EnsureInitialized()
    {
        if (_libraryPath is null)
        {
            Initialize();
        }
    }

    private static void Load(string path)
    {
        var (table, version) = Probe(path, ApiVersion);
        OrtApi.SetTable((nint*)table);
        SelfCheck(path, version);
        // Errors come back to the caller as exceptions; ORT's own log only needs the severe ones.
        const int LogSeverityError = 3;
        _env = OrtApi.CreateEnv(LogSeverityError, "fleet");
        _cpuMemory = OrtApi.CreateCpuMemoryInfo();
        _version = version;
        _libraryPath = path;
    }

    /// <summary>Loads <paramref name="path"/> and checks it serves <see cref="ApiVersion"/>, without making it the process's runtime.</summary>
    /// <exception cref="OnnxRuntimeNotAvailableException">Missing, not loadable, not ORT, or too old.</exception>
    internal static (nint Table, string Version) Probe(string path, uint apiVersion = ApiVersion)
    {
        if (!File.Exists(path))
        {
            throw new OnnxRuntimeNotAvailableException(
                $"ONNX Runtime library not found at {path}. Run ./fleet setup (it fetches ORT {BundledVersion}) or set {LibraryEnvironmentVariable} to the full path of libonnxruntime.so.");
        }

        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new OnnxRuntimeNotAvailableException($"ONNX Runtime library at {path} could not be loaded: {ex.Message}", ex);
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBase))
        {
            throw new OnnxRuntimeNotAvailableException($"{path} does not export OrtGetApiBase; it is not an ONNX Runtime library.");
        }

        // struct OrtApiBase { const OrtApi* GetApi(uint32_t version); const char* GetVersionString(void); }
        var apiBase = ((delegate* unmanaged<nint*>)getApiBase)();
        var version = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)apiBase[1])()) ?? "unknown";
        var table = ((delegate* unmanaged<uint, nint*>)apiBase[0])(apiVersion);
        if (table == null)
        {
            throw new OnnxRuntimeNotAvailableException(
                $"ONNX Runtime {version} at {path} is too old: Fleet needs OrtApi version {apiVersion} (ORT 1.{apiVersion} or newer; {BundledVersion} is tested).");
        }

        return ((nint)table, version);
    }

    /// <summary>A status round trip through slots 0–2 and 93: a table that is not laid out as expected fails here, not later.</summary>
    private static void SelfCheck(string path, string version)
    {
        var status = OrtApi.CreateStatus(OrtErrorCode.InvalidGraph, "fleet self-check");
        var exception = OrtApi.ExceptionFromStatus(status);
        if (exception.ErrorCode != OrtErrorCode.InvalidGraph || exception.OrtMessage != "fleet self-check")
        {
            throw new OnnxRuntimeNotAvailableException($"ONNX Runtime {version} at {path} failed the API-table self-check; its OrtApi layout is not the one this binding was written for.");
        }
    }
}
