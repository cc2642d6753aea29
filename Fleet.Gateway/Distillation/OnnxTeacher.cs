using System.Globalization;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Gateway.Distillation;

/// <summary>
/// A teacher run in ONNX Runtime: any registered ONNX model with one float input of <c>[batch, n]</c> (or <c>[n]</c>) and a
/// float output of <c>[batch, m]</c> (or <c>[m]</c>) labels synthesised inputs, whatever operators its graph uses.
/// </summary>
internal sealed class OnnxTeacher : IDisposable
{
    private const int MaxBatch = 256;

    private readonly InferenceSession _session;
    private readonly TensorInfo _input;
    private readonly string _output;
    private readonly int _batch;
    private readonly bool _batched;

    private OnnxTeacher(InferenceSession session, TensorInfo input, TensorInfo output)
    {
        _session = session;
        _input = input;
        _output = output.Name;
        _batched = input.Shape.Count == 2;
        InputSize = (int)input.Shape[^1];
        OutputSize = (int)output.Shape[^1];

        // A symbolic batch runs in chunks; a fixed one (often 1 in exported models) is what every run must carry.
        _batch = !_batched ? 1 : input.Shape[0] < 0 ? MaxBatch : (int)input.Shape[0];
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Loads <paramref name="onnx"/> in ONNX Runtime and checks it can label: the output is <paramref name="outputName"/> when it has one, else the first.</summary>
    /// <exception cref="DistillationException">The model's input or output is not a float vector (per batch row).</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the model.</exception>
    public static OnnxTeacher Load(byte[] onnx, string? outputName)
    {
        var session = InferenceSession.Create(onnx);
        try
        {
            if (session.Inputs is not [var input] || !IsVector(input))
            {
                throw new DistillationException($"the teacher must have one float input of shape [batch, n] or [n]; it has {string.Join(", ", session.Inputs)}");
            }

            var output = session.Outputs.FirstOrDefault(o => o.Name == outputName) ?? session.Outputs[0];
            if (!IsVector(output) || output.Shape.Count != input.Shape.Count)
            {
                throw new DistillationException($"the teacher's output {output} is not a float vector per input row (input {input})");
            }

            return new OnnxTeacher(session, input, output);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The teacher's outputs for <paramref name="inputs"/> (rows of <see cref="InputSize"/>), row for row.</summary>
    public float[] Label(float[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var count = inputs.Length / InputSize;
        var labels = new float[count * OutputSize];
        var buffer = new float[_batch * InputSize];
        for (var start = 0; start < count; start += _batch)
        {
            var rows = Math.Min(_batch, count - start);
            Array.Clear(buffer);
            inputs.AsSpan(start * InputSize, rows * InputSize).CopyTo(buffer);
            var runRows = _input.Shape.Count == 2 && _input.Shape[0] < 0 ? rows : _batch;
            long[] shape = _batched ? [runRows, InputSize] : [InputSize];
            var run = runRows == _batch ? buffer : buffer[..(runRows * InputSize)];
            var output = _session.Run([new InputTensor(_input.Name, shape, run)]).First(o => o.Name == _output).Floats
                ?? throw new DistillationException($"the teacher's output '{_output}' is not float");
            if (output.Length < rows * OutputSize)
            {
                throw new DistillationException(string.Create(CultureInfo.InvariantCulture, $"the teacher returned {output.Length} values for {rows} rows of {OutputSize}"));
            }

            output.AsSpan(0, rows * OutputSize).CopyTo(labels.AsSpan(start * OutputSize));
        }

        return labels;
    }

    public void Dispose() => _session.Dispose();

    private static bool IsVector(TensorInfo tensor) =>
        tensor.ElementType == TensorElementType.Float
        && tensor.Shape.Count is 1 or 2
        && tensor.Shape[^1] > 0
        && (tensor.Shape.Count == 1 || tensor.Shape[0] != 0);
}
