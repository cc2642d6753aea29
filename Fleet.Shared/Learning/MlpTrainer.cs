using System.Numerics.Tensors;

namespace Fleet.Shared.Learning;

/// <summary>
/// Trains an <see cref="Mlp"/> by backpropagation with Adam on shuffled minibatches, optionally distilling from a
/// teacher (<see cref="TrainingOptions.Alpha"/>) and keeping a sparsity mask's pruned weights at zero.
/// </summary>
/// <remarks>Single-threaded and seeded: the same network, data and options give bit-identical results.</remarks>
public static class MlpTrainer
{
    /// <summary>Trains <paramref name="network"/> in place.</summary>
    public static TrainingReport Train(Mlp network, TrainingSet data, TrainingOptions options, SparsityMask? mask = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        data.Validate();
        if (data.InputSize != network.InputSize || data.OutputSize != network.OutputSize)
        {
            throw new ArgumentException($"data is {data.InputSize}→{data.OutputSize} but the network is {network.InputSize}→{network.OutputSize}", nameof(data));
        }

        var run = new TrainingRun(network, options, mask);
        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var losses = new List<float>(options.Epochs);
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            var progress = options.Epochs == 1 ? 1f : epoch / (float)(options.Epochs - 1);
            var rate = options.FinalLearningRate + (0.5f * (options.LearningRate - options.FinalLearningRate) * (1 + MathF.Cos(MathF.PI * progress)));
            double epochLoss = 0;
            for (var start = 0; start < data.Count; start += options.BatchSize)
            {
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, data.Count - start));
                epochLoss += run.Step(data, batch, rate) * batch.Length;
            }

            losses.Add((float)(epochLoss / data.Count));
        }

        return new TrainingReport(losses);
    }

    /// <summary>Mean squared error of <paramref name="network"/> against the targets of <paramref name="data"/>.</summary>
    public static float MeanSquaredError(Mlp network, TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var output = new float[data.OutputSize];
        double sum = 0;
        for (var i = 0; i < data.Count; i++)
        {
            network.Forward(data.Input(i), output);
            var error = TensorPrimitives.Distance(output, data.Target(i));
            sum += error * error;
        }

        return (float)(sum / (data.Count * (double)data.OutputSize));
    }
}
