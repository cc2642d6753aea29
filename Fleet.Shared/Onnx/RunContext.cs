using Fleet.Shared.Onnx.Format;

using Ort = Microsoft.ML.OnnxRuntime;

namespace Fleet.Shared.Onnx;

/// <summary>
/// One thread's pre-bound inputs and outputs for an <see cref="InferenceSession"/>: fill <see cref="Input(int)"/>,
/// call <see cref="Run"/>, read <see cref="Output(int)"/>. <see cref="Run"/> allocates no managed memory.
/// </summary>
/// <remarks>
/// The tensors are bound once to an ORT <c>OrtIoBinding</c>; a run is one <c>RunWithBinding</c> call. A context
/// is not thread-safe; give each thread its own (they share the session). A context holds its session's native
/// parts alive until it is disposed, but refuses to run once the session is disposed.
/// </remarks>
public sealed class RunContext : IDisposable
{
    private readonly InferenceSession _session;
    private readonly NativeTensor[] _inputs;
    private readonly NativeTensor[] _outputs;
    private readonly Ort.OrtIoBinding _binding;
    private readonly Ort.RunOptions _runOptions;
    private bool _disposed;

    internal RunContext(InferenceSession session, int batchSize)
    {
        _session = session;
        var created = new List<IDisposable>();
        try
        {
            _inputs = session.Inputs.Select(i => Track(Allocate(i, batchSize), created)).ToArray();
            _outputs = session.Outputs.Select(o => Track(Allocate(o, batchSize), created)).ToArray();
            _runOptions = Track(new Ort.RunOptions(), created);
            _binding = Track(session.Native.CreateIoBinding(), created);
            for (var i = 0; i < _inputs.Length; i++)
            {
                _binding.BindInput(session.InputNames[i], _inputs[i].Value);
            }

            for (var i = 0; i < _outputs.Length; i++)
            {
                _binding.BindOutput(session.OutputNames[i], _outputs[i].Value);
            }
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            created.ForEach(d => d.Dispose());
            throw OrtErrors.Wrap(ex);
        }
        catch
        {
            created.ForEach(d => d.Dispose());
            throw;
        }
    }

    /// <summary>The session this context runs.</summary>
    public InferenceSession Session => _session;

    /// <summary>Input tensor <paramref name="index"/> (model order); write the data here before <see cref="Run"/>.</summary>
    public NativeTensor Input(int index) => _inputs[index];

    /// <summary>Output tensor <paramref name="index"/> (model order); valid after <see cref="Run"/>.</summary>
    public NativeTensor Output(int index) => _outputs[index];

    /// <summary>Input tensor by name.</summary>
    public NativeTensor Input(string name) => _inputs[IndexOf(_session.Inputs, name)];

    /// <summary>Output tensor by name.</summary>
    public NativeTensor Output(string name) => _outputs[IndexOf(_session.Outputs, name)];

    /// <summary>The bound ORT objects, for the bench's bare <c>RunWithBinding</c> floor over the same session.</summary>
    internal (Ort.InferenceSession Session, Ort.RunOptions RunOptions, Ort.OrtIoBinding Binding) Bound => (_session.Native, _runOptions, _binding);

    /// <summary>Runs the model from the input tensors into the output tensors.</summary>
    /// <exception cref="OnnxRuntimeException">ORT reported a failure.</exception>
    /// <exception cref="ObjectDisposedException">This context or its session was disposed.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ObjectDisposedException.ThrowIf(_session.IsDisposed, _session);
        try
        {
            _session.Native.RunWithBinding(_runOptions, _binding);
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            throw OrtErrors.Wrap(ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var tensor in _inputs.Concat(_outputs))
        {
            tensor.Dispose();
        }

        _session.Exit();
    }

    private static T Track<T>(T item, List<IDisposable> created)
        where T : IDisposable
    {
        created.Add(item);
        return item;
    }

    private static int IndexOf(IReadOnlyList<TensorInfo> infos, string name)
    {
        for (var i = 0; i < infos.Count; i++)
        {
            if (infos[i].Name == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"model has no tensor named '{name}'; it has {string.Join(", ", infos.Select(i => i.Name))}", nameof(name));
    }

    private static NativeTensor Allocate(TensorInfo info, int batchSize)
    {
        if (info.ElementType is not (TensorElementType.Float or TensorElementType.Int64))
        {
            throw new NotSupportedException($"'{info.Name}' is {info.ElementType}; run contexts hold float32 and int64 tensors only");
        }

        var shape = info.Shape.Select(d => d < 0 ? batchSize : d).ToArray();
        return NativeTensor.Create(info.ElementType, shape);
    }
}
