using Fleet.Shared.Onnx.Format;

using Ort = Microsoft.ML.OnnxRuntime;

namespace Fleet.Shared.Onnx;

/// <summary>An ONNX Runtime session: a loaded model, its input/output metadata, and runs.</summary>
/// <remarks>
/// <para>Thread safety: the session is safe to run from many threads at once (ORT's <c>Run</c> is thread-safe)
/// provided each thread uses its own output buffers. The API enforces that: the fast path is a
/// <see cref="RunContext"/> per thread (<see cref="CreateRunContext"/>), which owns its input and output tensors;
/// <see cref="Run(IReadOnlyList{InputTensor})"/> allocates fresh buffers per call and is also thread-safe.</para>
/// <para>Lifetime: the native session, and the caller-owned initializers it reads, are released when the session
/// is disposed and no run and no <see cref="RunContext"/> holds it any more; a run in flight keeps it alive.</para>
/// </remarks>
public sealed partial class InferenceSession : IDisposable
{
    private readonly Ort.InferenceSession _session;
    private readonly NativeTensor[] _initializers;
    // 1 for the owner plus one per run in flight and per live RunContext; the native session goes at 0.
    private int _holds = 1;
    private int _disposed;

    private InferenceSession(Ort.InferenceSession session, IReadOnlyDictionary<string, NativeTensor> initializers)
    {
        _session = session;
        _initializers = initializers.Values.ToArray();
        CallerOwnedInitializers = initializers;
        Inputs = session.InputNames.Select(n => Describe(n, session.InputMetadata[n])).ToArray();
        Outputs = session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n])).ToArray();
        InputNames = session.InputNames.ToArray();
        OutputNames = session.OutputNames.ToArray();
    }

    /// <summary>The model's inputs, in order.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in order (hidden activations exposed by the writer come after the main output).</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The caller-owned initializers this session reads its weights from (empty when the model's own are used).</summary>
    public IReadOnlyDictionary<string, NativeTensor> CallerOwnedInitializers { get; }

    /// <summary>True once <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal Ort.InferenceSession Native => _session;

    internal string[] InputNames { get; }

    internal string[] OutputNames { get; }

    /// <summary>Creates a session from model bytes.</summary>
    /// <exception cref="OnnxRuntimeException">The bytes are not a model ORT can load (code and message from ORT).</exception>
    /// <exception cref="ObjectDisposedException">A caller-owned initializer was already disposed.</exception>
    public static InferenceSession Create(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidProtobuf, "model is empty (0 bytes)");
        }

        var bytes = model.ToArray();
        return Open(so => new Ort.InferenceSession(bytes, so), options ?? new OnnxSessionOptions());
    }

    /// <summary>Creates a session from a model file; ORT reads external data from files beside it.</summary>
    /// <exception cref="OnnxRuntimeException">The file is missing or not a model ORT can load.</exception>
    public static InferenceSession Load(string path, OnnxSessionOptions? options = null)
    {
        if (!File.Exists(path))
        {
            throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile, $"model file not found: {path}");
        }

        var fullPath = Path.GetFullPath(path);
        return Open(so => new Ort.InferenceSession(fullPath, so), options ?? new OnnxSessionOptions());
    }

    private static InferenceSession Open(Func<Ort.SessionOptions, Ort.InferenceSession> open, OnnxSessionOptions options)
    {
        OnnxRuntime.Initialize();
        // Take a hold on every caller-owned tensor first: a disposed one fails here, before ORT sees its pointer.
        var initializers = new List<NativeTensor>();
        try
        {
            foreach (var tensor in options.Initializers.Values)
            {
                tensor.AddRefForSession();
                initializers.Add(tensor);
            }

            using var sessionOptions = CreateOptions(options);
            var session = open(sessionOptions);
            try
            {
                return new InferenceSession(session, new Dictionary<string, NativeTensor>(options.Initializers));
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            initializers.ForEach(t => t.ReleaseFromSession());
            throw OrtErrors.Wrap(ex);
        }
        catch
        {
            initializers.ForEach(t => t.ReleaseFromSession());
            throw;
        }
    }

    /// <summary>
    /// Creates a per-thread run context with pre-allocated input and output tensors; symbolic dimensions
    /// (such as a batch dimension) become <paramref name="batchSize"/>.
    /// </summary>
    public RunContext CreateRunContext(int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Enter();
        try
        {
            return new RunContext(this, batchSize);
        }
        catch
        {
            Exit();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Exit();
        }
    }

    /// <summary>Takes a hold on the native session for a run or a run context; throws once the session is disposed.</summary>
    internal void Enter()
    {
        while (true)
        {
            var holds = Volatile.Read(ref _holds);
            if (holds == 0 || IsDisposed)
            {
                throw new ObjectDisposedException(nameof(InferenceSession));
            }

            if (Interlocked.CompareExchange(ref _holds, holds + 1, holds) == holds)
            {
                return;
            }
        }
    }

    internal void Exit()
    {
        if (Interlocked.Decrement(ref _holds) != 0)
        {
            return;
        }

        _session.Dispose();
        foreach (var tensor in _initializers)
        {
            tensor.ReleaseFromSession();
        }
    }

    private static Ort.SessionOptions CreateOptions(OnnxSessionOptions options)
    {
        var so = new Ort.SessionOptions();
        try
        {
            so.LogSeverityLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            so.GraphOptimizationLevel = (Ort.GraphOptimizationLevel)(int)options.OptimizationLevel;
            if (options.UseGlobalThreadPool)
            {
                so.DisablePerSessionThreads();
            }
            else
            {
                so.IntraOpNumThreads = options.IntraOpThreads;
                so.InterOpNumThreads = options.InterOpThreads;
            }

            foreach (var (key, value) in options.ConfigEntries)
            {
                so.AddSessionConfigEntry(key, value);
            }

            if (options.Initializers.Count > 0)
            {
                // Pre-packing copies weights into ORT-owned layouts; then digests of the caller's memory would watch
                // bytes inference no longer reads.
                so.AddSessionConfigEntry("session.disable_prepacking", "1");
                foreach (var (name, tensor) in options.Initializers)
                {
                    so.AddInitializer(name, tensor.Value);
                }
            }

            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

    private static TensorInfo Describe(string name, Ort.NodeMetadata metadata) =>
        metadata.OnnxValueType == Ort.OnnxValueType.ONNX_TYPE_TENSOR
            ? new TensorInfo(name, (TensorElementType)(int)metadata.ElementDataType, metadata.Dimensions.Select(d => (long)d).ToArray())
            : new TensorInfo(name, TensorElementType.Undefined, []);
}
