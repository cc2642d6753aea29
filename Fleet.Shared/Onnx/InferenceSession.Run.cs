using Fleet.Shared.Onnx.Native;

namespace Fleet.Shared.Onnx;

/// <summary>The convenience run: named managed arrays in, fresh managed arrays out (allocates; not the hot path).</summary>
public sealed unsafe partial class InferenceSession
{
    /// <summary>Runs the model on the given inputs and returns every output.</summary>
    /// <exception cref="OnnxRuntimeException">An input is missing, unknown, of the wrong type or shape, or ORT fails.</exception>
    public IReadOnlyList<OutputTensor> Run(IReadOnlyList<InputTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        var tensors = new NativeTensor[Inputs.Count];
        var outputs = new nint[Outputs.Count];
        try
        {
            for (var i = 0; i < Inputs.Count; i++)
            {
                var expected = Inputs[i];
                var given = inputs.FirstOrDefault(x => x.Name == expected.Name)
                    ?? throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"input '{expected.Name}' ({expected}) was not given");
                tensors[i] = ToTensor(expected, given);
            }

            foreach (var unknown in inputs.Where(x => Inputs.All(e => e.Name != x.Name)))
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                    $"model has no input '{unknown.Name}'; its inputs are {string.Join(", ", Inputs)}");
            }

            var namesBase = _names.DangerousGetHandle();
            var inputNames = stackalloc nint[Inputs.Count];
            var inputValues = stackalloc nint[Inputs.Count];
            var outputNames = stackalloc nint[Outputs.Count];
            for (var i = 0; i < Inputs.Count; i++)
            {
                inputNames[i] = namesBase + _inputNameOffsets[i];
                inputValues[i] = tensors[i].Value.DangerousGetHandle();
            }

            for (var i = 0; i < Outputs.Count; i++)
            {
                outputNames[i] = namesBase + _outputNameOffsets[i];
            }

            var added = false;
            _session.DangerousAddRef(ref added);
            try
            {
                fixed (nint* outputValues = outputs)
                {
                    OrtApi.Check(OrtApi.Run(_session.DangerousGetHandle(), 0, inputNames, inputValues, (nuint)Inputs.Count, outputNames, (nuint)Outputs.Count, outputValues));
                }
            }
            finally
            {
                _session.DangerousRelease();
            }

            var result = new OutputTensor[Outputs.Count];
            for (var i = 0; i < Outputs.Count; i++)
            {
                result[i] = ReadOutput(Outputs[i].Name, outputs[i]);
            }

            return result;
        }
        finally
        {
            foreach (var tensor in tensors)
            {
                tensor?.Dispose();
            }

            foreach (var value in outputs)
            {
                if (value != 0)
                {
                    OrtApi.Release(OrtObjectKind.Value, value);
                }
            }
        }
    }

    private static NativeTensor ToTensor(TensorInfo expected, InputTensor given)
    {
        if (given.ElementType != expected.ElementType)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"input '{expected.Name}' expects {expected.ElementType} elements but {given.ElementType} were given");
        }

        var shape = given.Shape.ToArray();
        var fits = shape.Length == expected.Shape.Count;
        for (var d = 0; fits && d < shape.Length; d++)
        {
            fits = shape[d] >= 0 && (expected.Shape[d] < 0 || expected.Shape[d] == shape[d]);
        }

        if (!fits)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"input '{expected.Name}' expects shape [{string.Join(", ", expected.Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}] but got [{string.Join(", ", shape)}]");
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        var length = given.Floats?.Length ?? given.Int64s!.Length;
        if (count != length)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"input '{expected.Name}' has shape [{string.Join(", ", shape)}] ({count} elements) but {length} values were given");
        }

        return given.Floats is not null ? NativeTensor.Create<float>(given.Floats, shape) : NativeTensor.Create<long>(given.Int64s, shape);
    }

    private static OutputTensor ReadOutput(string name, nint value)
    {
        var (type, shape) = OrtApi.GetTensorTypeAndShape(value);
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var data = OrtApi.GetTensorMutableData(value);
        return type switch
        {
            TensorElementType.Float => new OutputTensor(name, type, shape, new ReadOnlySpan<float>((void*)data, count).ToArray(), null),
            TensorElementType.Int64 => new OutputTensor(name, type, shape, null, new ReadOnlySpan<long>((void*)data, count).ToArray()),
            _ => new OutputTensor(name, type, shape, null, null),
        };
    }
}
