using System.Runtime.InteropServices;
using Fleet.Shared.Onnx.Native;

namespace Fleet.Shared.Onnx;

/// <summary>
/// One thread's pre-bound inputs and outputs for an <see cref="InferenceSession"/>: fill <see cref="Input(int)"/>,
/// call <see cref="Run"/>, read <see cref="Output(int)"/>. <see cref="Run"/> allocates no managed memory.
/// </summary>
/// <remarks>
/// A context is not thread-safe; give each thread its own (they share the session). The session's native
/// name table stays alive for as long as any context does.
/// </remarks>
public sealed unsafe class RunContext : IDisposable
{
    private readonly InferenceSession _session;
    private readonly NativeTensor[] _inputs;
    private readonly NativeTensor[] _outputs;
    private readonly nint* _pointers;
    private readonly int _inputCount;
    private readonly int _outputCount;
    private bool _disposed;

    internal RunContext(InferenceSession session, int batchSize, nint[] inputNameOffsets, nint[] outputNameOffsets)
    {
        _session = session;
        _inputCount = session.Inputs.Count;
        _outputCount = session.Outputs.Count;
        _inputs = session.Inputs.Select(i => Allocate(i, batchSize)).ToArray();
        _outputs = session.Outputs.Select(o => Allocate(o, batchSize)).ToArray();
        var added = false;
        session.Names.DangerousAddRef(ref added);

        // One native block: input names, input values, output names, output values.
        _pointers = (nint*)NativeMemory.Alloc((nuint)(2 * (_inputCount + _outputCount)), (nuint)sizeof(nint));
        var namesBase = session.Names.DangerousGetHandle();
        for (var i = 0; i < _inputCount; i++)
        {
            _pointers[i] = namesBase + inputNameOffsets[i];
            _pointers[_inputCount + i] = _inputs[i].Value.DangerousGetHandle();
        }

        var outputBase = 2 * _inputCount;
        for (var i = 0; i < _outputCount; i++)
        {
            _pointers[outputBase + i] = namesBase + outputNameOffsets[i];
            _pointers[outputBase + _outputCount + i] = _outputs[i].Value.DangerousGetHandle();
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

    /// <summary>Runs the model from the input tensors into the output tensors.</summary>
    /// <exception cref="OnnxRuntimeException">ORT reported a failure.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var handle = _session.Handle;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var status = OrtApi.Run(handle.DangerousGetHandle(), 0, _pointers, _pointers + _inputCount, (nuint)_inputCount,
                _pointers + (2 * _inputCount), (nuint)_outputCount, _pointers + (2 * _inputCount) + _outputCount);
            OrtApi.Check(status);
        }
        finally
        {
            handle.DangerousRelease();
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
        foreach (var tensor in _inputs.Concat(_outputs))
        {
            tensor.Dispose();
        }

        NativeMemory.Free(_pointers);
        _session.Names.DangerousRelease();
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
