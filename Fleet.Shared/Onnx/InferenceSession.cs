using Fleet.Shared.Onnx.Native;

namespace Fleet.Shared.Onnx;

/// <summary>An ONNX Runtime session: a loaded model, its input/output metadata, and runs.</summary>
/// <remarks>
/// <para>Thread safety: the session is safe to run from many threads at once (ORT's <c>Run</c> is thread-safe)
/// provided each thread uses its own output buffers. The API enforces that: the fast path is a
/// <see cref="RunContext"/> per thread (<see cref="CreateRunContext"/>), which owns its input and output tensors;
/// <see cref="Run(IReadOnlyList{InputTensor})"/> allocates fresh buffers per call and is also thread-safe.</para>
/// <para>Disposing the session while another thread is inside a run is safe: the native session is released
/// when the last run returns.</para>
/// </remarks>
public sealed unsafe partial class InferenceSession : IDisposable
{
    private readonly OrtHandle _session;
    private readonly NativeTensor[] _initializers;
    private readonly NativeBuffer _names;
    private readonly nint[] _inputNameOffsets;
    private readonly nint[] _outputNameOffsets;

    private InferenceSession(OrtHandle session, IReadOnlyDictionary<string, NativeTensor> initializers)
    {
        _session = session;
        _initializers = initializers.Values.ToArray();
        CallerOwnedInitializers = initializers;
        var handle = session.DangerousGetHandle();
        Inputs = ReadMetadata(handle, output: false);
        Outputs = ReadMetadata(handle, output: true);
        (_names, _inputNameOffsets, _outputNameOffsets) = PackNames(Inputs, Outputs);
    }

    /// <summary>The model's inputs, in order.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in order (hidden activations exposed by the writer come after the main output).</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The caller-owned initializers this session reads its weights from (empty when the model's own are used).</summary>
    public IReadOnlyDictionary<string, NativeTensor> CallerOwnedInitializers { get; }

    internal OrtHandle Handle => _session;

    internal NativeBuffer Names => _names;

    /// <summary>Creates a session from model bytes.</summary>
    /// <exception cref="OnnxRuntimeException">The bytes are not a model ORT can load (code and message from ORT).</exception>
    public static InferenceSession Create(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        options ??= new OnnxSessionOptions();
        if (model.IsEmpty)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidProtobuf, "model is empty (0 bytes)");
        }

        using var sessionOptions = OrtApi.CreateSessionOptions();
        var so = sessionOptions.DangerousGetHandle();
        OrtApi.SetIntraOpNumThreads(so, options.IntraOpThreads);
        OrtApi.SetInterOpNumThreads(so, options.InterOpThreads);
        OrtApi.SetGraphOptimizationLevel(so, options.OptimizationLevel);
        foreach (var (key, value) in options.ConfigEntries)
        {
            OrtApi.AddSessionConfigEntry(so, key, value);
        }

        // Take a reference on every caller-owned tensor first: a disposed one fails here, before ORT sees its pointer.
        var initializers = new List<NativeTensor>();
        try
        {
            foreach (var tensor in options.Initializers.Values)
            {
                tensor.AddRefForSession();
                initializers.Add(tensor);
            }

            if (initializers.Count > 0)
            {
                // Pre-packing copies weights into ORT-owned layouts; then digests of the caller's memory would watch
                // bytes inference no longer reads.
                OrtApi.AddSessionConfigEntry(so, "session.disable_prepacking", "1");
                foreach (var (name, tensor) in options.Initializers)
                {
                    OrtApi.AddInitializer(so, name, tensor.Value.DangerousGetHandle());
                }
            }

            var session = OrtApi.CreateSessionFromArray(OnnxRuntime.Env, model, so);
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
        catch
        {
            initializers.ForEach(t => t.ReleaseFromSession());
            throw;
        }
    }

    /// <summary>Creates a session from a model file.</summary>
    /// <exception cref="OnnxRuntimeException">The file is missing or not a model ORT can load.</exception>
    public static InferenceSession Load(string path, OnnxSessionOptions? options = null)
    {
        if (!File.Exists(path))
        {
            throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile, $"model file not found: {path}");
        }

        return Create(File.ReadAllBytes(path), options);
    }

    /// <summary>
    /// Creates a per-thread run context with pre-allocated input and output tensors; symbolic dimensions
    /// (such as a batch dimension) become <paramref name="batchSize"/>.
    /// </summary>
    public RunContext CreateRunContext(int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        return new RunContext(this, batchSize, _inputNameOffsets, _outputNameOffsets);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_session.IsClosed)
        {
            return;
        }

        _session.Dispose();
        _names.Dispose();
        foreach (var tensor in _initializers)
        {
            tensor.ReleaseFromSession();
        }
    }

    private static TensorInfo[] ReadMetadata(nint session, bool output)
    {
        var count = OrtApi.SessionGetCount(session, output);
        var result = new TensorInfo[count];
        for (var i = 0; i < count; i++)
        {
            var name = OrtApi.SessionGetName(session, i, output);
            var info = OrtApi.SessionGetTensorInfo(session, i, output);
            result[i] = info is { } t ? new TensorInfo(name, t.Type, t.Shape) : new TensorInfo(name, TensorElementType.Undefined, []);
        }

        return result;
    }

    private static (NativeBuffer Buffer, nint[] Inputs, nint[] Outputs) PackNames(IReadOnlyList<TensorInfo> inputs, IReadOnlyList<TensorInfo> outputs)
    {
        var encoded = inputs.Concat(outputs).Select(t => OrtApi.Utf8(t.Name)).ToArray();
        var buffer = new NativeBuffer((nuint)encoded.Sum(e => e.Length));
        var offsets = new nint[encoded.Length];
        var position = 0;
        var bytes = new Span<byte>((void*)buffer.DangerousGetHandle(), (int)buffer.ByteLength);
        for (var i = 0; i < encoded.Length; i++)
        {
            offsets[i] = position;
            encoded[i].CopyTo(bytes[position..]);
            position += encoded[i].Length;
        }

        return (buffer, offsets[..inputs.Count], offsets[inputs.Count..]);
    }
}
