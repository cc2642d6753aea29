using System.Numerics.Tensors;

namespace Fleet.Shared.Learning;

/// <summary>Buffers and Adam state for one training run; every step reuses them.</summary>
internal sealed class TrainingRun
{
    private readonly Mlp _network;
    private readonly TrainingOptions _options;
    private readonly float[][]? _mask;
    private readonly float[][] _activations;
    private readonly float[][] _deltas;
    private readonly float[][] _weightGradients;
    private readonly float[][] _biasGradients;
    private readonly AdamState[] _weightState;
    private readonly AdamState[] _biasState;
    private int _step;

    public TrainingRun(Mlp network, TrainingOptions options, SparsityMask? mask)
    {
        _network = network;
        _options = options;
        _mask = mask?.ToLayerMasks(network);
        var layers = network.LayerCount;
        var batch = options.BatchSize;
        _activations = Enumerable.Range(0, layers + 1).Select(l => new float[batch * network.Sizes[l]]).ToArray();
        _deltas = Enumerable.Range(0, layers + 1).Select(l => new float[batch * network.Sizes[l]]).ToArray();
        _weightGradients = network.Weights.Select(w => new float[w.Length]).ToArray();
        _biasGradients = network.Biases.Select(b => new float[b.Length]).ToArray();
        _weightState = network.Weights.Select(w => new AdamState(w.Length)).ToArray();
        _biasState = network.Biases.Select(b => new AdamState(b.Length)).ToArray();
    }

    /// <summary>One Adam step on the samples <paramref name="batch"/>; returns their mean loss.</summary>
    public float Step(TrainingSet data, ReadOnlySpan<int> batch, float learningRate)
    {
        var n = _network;
        var layers = n.LayerCount;
        var inSize = n.InputSize;
        var outSize = n.OutputSize;
        for (var r = 0; r < batch.Length; r++)
        {
            data.Input(batch[r]).CopyTo(_activations[0].AsSpan(r * inSize, inSize));
        }

        for (var l = 0; l < layers; l++)
        {
            int width = n.Sizes[l + 1], previous = n.Sizes[l];
            var activation = l == layers - 1 ? n.OutputActivation : n.HiddenActivation;
            for (var r = 0; r < batch.Length; r++)
            {
                var z = _activations[l + 1].AsSpan(r * width, width);
                Mlp.Dense(_activations[l].AsSpan(r * previous, previous), n.Weights[l], n.Biases[l], z);
                Mlp.Activate(z, activation);
            }
        }

        // dL/dy for loss = α·MSE(y, teacher) + (1−α)·MSE(y, target), averaged over outputs and batch.
        var alpha = data.TeacherOutputs is null ? 0f : _options.Alpha;
        var scale = 2f / (outSize * batch.Length);
        double loss = 0;
        for (var r = 0; r < batch.Length; r++)
        {
            var y = _activations[layers].AsSpan(r * outSize, outSize);
            var delta = _deltas[layers].AsSpan(r * outSize, outSize);
            var target = data.Target(batch[r]);
            TensorPrimitives.Subtract(y, target, delta);
            var targetError = TensorPrimitives.SumOfSquares(delta);
            if (alpha > 0f)
            {
                var teacher = data.TeacherOutputs.AsSpan(batch[r] * outSize, outSize);
                var teacherError = 0f;
                for (var i = 0; i < outSize; i++)
                {
                    var d = y[i] - teacher[i];
                    teacherError += d * d;
                    delta[i] = ((1 - alpha) * delta[i]) + (alpha * d);
                }

                loss += ((alpha * teacherError) + ((1 - alpha) * targetError)) / outSize;
            }
            else
            {
                loss += targetError / outSize;
            }

            TensorPrimitives.Multiply(delta, scale, delta);
        }

        for (var l = layers - 1; l >= 0; l--)
        {
            Backward(l, batch.Length);
        }

        _step++;
        for (var l = 0; l < layers; l++)
        {
            _weightState[l].Update(n.Weights[l], _weightGradients[l], learningRate, _options, _step);
            _biasState[l].Update(n.Biases[l], _biasGradients[l], learningRate, _options, _step);
            if (_mask is not null)
            {
                TensorPrimitives.Multiply(n.Weights[l], _mask[l], n.Weights[l]);
            }
        }

        return (float)(loss / batch.Length);
    }

    private void Backward(int l, int rows)
    {
        var n = _network;
        int width = n.Sizes[l + 1], previous = n.Sizes[l];
        var activation = l == n.LayerCount - 1 ? n.OutputActivation : n.HiddenActivation;
        var gradW = _weightGradients[l];
        var gradB = _biasGradients[l];
        Array.Clear(gradW);
        Array.Clear(gradB);
        for (var r = 0; r < rows; r++)
        {
            var a = _activations[l + 1].AsSpan(r * width, width);
            var delta = _deltas[l + 1].AsSpan(r * width, width);
            ApplyDerivative(a, delta, activation);
            TensorPrimitives.Add(gradB, delta, gradB);
            var input = _activations[l].AsSpan(r * previous, previous);
            for (var k = 0; k < previous; k++)
            {
                if (input[k] != 0f)
                {
                    var row = gradW.AsSpan(k * width, width);
                    TensorPrimitives.MultiplyAdd(delta, input[k], row, row);
                }
            }

            if (l > 0)
            {
                var back = _deltas[l].AsSpan(r * previous, previous);
                var weights = n.Weights[l].AsSpan();
                for (var k = 0; k < previous; k++)
                {
                    back[k] = TensorPrimitives.Dot(weights.Slice(k * width, width), delta);
                }
            }
        }
    }

    /// <summary>delta ⊙= act'(z), written in terms of the activation's output a.</summary>
    private static void ApplyDerivative(ReadOnlySpan<float> a, Span<float> delta, Activation activation)
    {
        switch (activation)
        {
            case Activation.Tanh:
                for (var i = 0; i < a.Length; i++)
                {
                    delta[i] *= 1 - (a[i] * a[i]);
                }

                break;
            case Activation.Sigmoid:
                for (var i = 0; i < a.Length; i++)
                {
                    delta[i] *= a[i] * (1 - a[i]);
                }

                break;
            case Activation.Relu:
                for (var i = 0; i < a.Length; i++)
                {
                    delta[i] = a[i] > 0 ? delta[i] : 0;
                }

                break;
        }
    }
}
