using Ort = Microsoft.ML.OnnxRuntime;

namespace Fleet.Shared.Onnx;

/// <summary>Owns the process-wide ONNX Runtime environment (Microsoft.ML.OnnxRuntime, native library from its package).</summary>
/// <remarks>
/// The environment is created once, with one global intra-op and one global inter-op thread, so sessions that ask
/// for the global pool (<see cref="OnnxSessionOptions.UseGlobalThreadPool"/>, as a device does under
/// <c>--simulate N</c>) share it instead of each owning one. A missing or unloadable native library raises
/// <see cref="OnnxRuntimeNotAvailableException"/>.
/// </remarks>
public static class OnnxRuntime
{
    private static readonly Lock Gate = new();
    private static volatile Ort.OrtEnv? _env;

    /// <summary>Version string the loaded library reports (e.g. "1.32.0").</summary>
    public static string Version => Env.GetVersionString();

    internal static Ort.OrtEnv Env
    {
        get
        {
            Initialize();
            return _env!;
        }
    }

    /// <summary>Creates the environment (once). Safe to call from many threads.</summary>
    /// <exception cref="OnnxRuntimeNotAvailableException">The native library is missing or cannot be loaded.</exception>
    public static void Initialize()
    {
        if (_env is not null)
        {
            return;
        }

        lock (Gate)
        {
            if (_env is not null)
            {
                return;
            }

            try
            {
                var options = new Ort.EnvironmentCreationOptions
                {
                    logId = "fleet",
                    // Failures reach the caller as exceptions; ORT's own log only needs the severe ones.
                    logLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                    threadOptions = new Ort.OrtThreadingOptions { GlobalIntraOpNumThreads = 1, GlobalInterOpNumThreads = 1 },
                };
                _env = Ort.OrtEnv.CreateInstanceWithOptions(ref options);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
            {
                throw new OnnxRuntimeNotAvailableException(
                    $"the ONNX Runtime native library (libonnxruntime, shipped in the Microsoft.ML.OnnxRuntime package under runtimes/linux-x64|linux-arm64/native) could not be loaded: {ex.GetBaseException().Message}", ex);
            }
            catch (Ort.OnnxRuntimeException ex)
            {
                throw OrtErrors.Wrap(ex);
            }
        }
    }
}
