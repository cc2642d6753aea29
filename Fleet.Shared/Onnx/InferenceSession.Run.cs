using System.Globalization;
using Fleet.Shared.Onnx.Format;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Fleet.Shared.Onnx;

/// <summary>The convenience run: named managed arrays in, fresh managed arrays out (allocates; not the hot path).</summary>
public sealed partial class InferenceSession
{
    /// <summary>Runs the model on the given inputs and returns every output.</summary>
    /// <exception cref="OnnxRuntimeException">An input is missing, unknown, of the wrong type or shape, or ORT fails.</exception>
    public IReadOnlyList<OutputTensor> Run(IReadOnlyList<InputTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        foreach (var unknown in inputs.Where(x => Inputs.All(e => e.Name != x.Name)))
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"model has no input '{unknown.Name}'; its inputs are {string.Join(", ", Inputs)}");
        }

        var values = new Ort.OrtValue[Inputs.Count];
        Enter();
        try
        {
            for (var i = 0; i < Inputs.Count; i++)
            {
                var expected = Inputs[i];
                var given = inputs.FirstOrDefault(x => x.Name == expected.Name)
                    ?? throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"input '{expected.Name}' ({expected}) was not given");
                values[i] = ToValue(expected, given);
            }

            using var runOptions = new Ort.RunOptions();
            using var outputs = _session.Run(runOptions, InputNames, values, OutputNames);
            var result = new OutputTensor[OutputNames.Length];
            var index = 0;
            foreach (var output in outputs)
            {
                result[index] = ReadOutput(OutputNames[index], output);
                index++;
            }

            return result;
        }
        catch (Ort.OnnxRuntimeException ex)
        {
            throw OrtErrors.Wrap(ex);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }

            Exit();
        }
    }

    private static Ort.OrtValue ToValue(TensorInfo expected, InputTensor given)
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
                $"input '{expected.Name}' expects shape [{string.Join(", ", expected.Shape.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}] but got [{string.Join(", ", shape)}]");
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        var length = given.Floats?.Length ?? given.Int64s!.Length;
        if (count != length)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"input '{expected.Name}' has shape [{string.Join(", ", shape)}] ({count} elements) but {length} values were given");
        }

        // Pins the caller's array for the value's lifetime; ORT reads it in place.
        return given.Floats is not null
            ? Ort.OrtValue.CreateTensorValueFromMemory(given.Floats, shape)
            : Ort.OrtValue.CreateTensorValueFromMemory(given.Int64s!, shape);
    }

    private static OutputTensor ReadOutput(string name, Ort.OrtValue value)
    {
        if (!value.IsTensor)
        {
            return new OutputTensor(name, TensorElementType.Undefined, [], null, null);
        }

        var info = value.GetTensorTypeAndShape();
        var type = (TensorElementType)(int)info.ElementDataType;
        var shape = info.Shape;
        return type switch
        {
            TensorElementType.Float => new OutputTensor(name, type, shape, value.GetTensorDataAsSpan<float>().ToArray(), null),
            TensorElementType.Int64 => new OutputTensor(name, type, shape, null, value.GetTensorDataAsSpan<long>().ToArray()),
            _ => new OutputTensor(name, type, shape, null, null),
        };
    }
}
