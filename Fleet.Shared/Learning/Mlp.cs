using System.Numerics;
using System.Numerics.Tensors;

namespace Fleet.Shared.Learning;

/// <summary>
/// A multi-layer perceptron: dense layers <c>y = act(x·W + b)</c>, with W stored [in, out] row-major exactly as the
/// ONNX MatMul initializer it is exported to.
/// </summary>
/// <remarks>The forward pass is the C# reference the ORT export is checked against; it is single-threaded and deterministic.</remarks>
public sealed partial class Mlp
{
    private Mlp(int[] sizes, Activation hidden, Activation output, float[][] weights, float[][] biases)
    {
        Sizes = sizes;
        HiddenActivation = hidden;
        OutputActivation = output;
        Weights = weights;
        Biases = biases;
    }

    /// <summary>Layer widths, input first (e.g. [3, 64, 64, 160]).</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>Activation after every layer but the last.</summary>
    public Activation HiddenActivation { get; }

    /// <summary>Activation after the last layer.</summary>
    public Activation OutputActivation { get; }

    /// <summary>Weights per layer, [in × out] row-major. Mutable: training and pruning write here.</summary>
    public float[][] Weights { get; }

    /// <summary>Biases per layer.</summary>
    public float[][] Biases { get; }

    /// <summary>Number of layers (weight matrices).</summary>
    public int LayerCount => Weights.Length;

    /// <summary>Input width.</summary>
    public int InputSize => Sizes[0];

    /// <summary>Output width.</summary>
    public int OutputSize => Sizes[^1];

    /// <summary>A new network with seeded Xavier-uniform weights and zero biases.</summary>
    public static Mlp Create(IReadOnlyList<int> sizes, Activation hidden, Activation output, int seed)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizes.Count, 2);
        var random = new Random(seed);
        var weights = new float[sizes.Count - 1][];
        var biases = new float[sizes.Count - 1][];
        for (var l = 0; l < weights.Length; l++)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizes[l]);
            var limit = MathF.Sqrt(6f / (sizes[l] + sizes[l + 1]));
            weights[l] = new float[sizes[l] * sizes[l + 1]];
            for (var i = 0; i < weights[l].Length; i++)
            {
                weights[l][i] = (float)(((random.NextDouble() * 2) - 1) * limit);
            }

            biases[l] = new float[sizes[l + 1]];
        }

        return new Mlp(sizes.ToArray(), hidden, output, weights, biases);
    }

    /// <summary>A network with the given parameters (copied).</summary>
    public static Mlp FromParameters(IReadOnlyList<int> sizes, Activation hidden, Activation output, IReadOnlyList<float[]> weights, IReadOnlyList<float[]> biases)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        for (var l = 0; l < sizes.Count - 1; l++)
        {
            if (weights[l].Length != sizes[l] * sizes[l + 1] || biases[l].Length != sizes[l + 1])
            {
                throw new ArgumentException($"layer {l} parameters do not match sizes {sizes[l]}→{sizes[l + 1]}", nameof(weights));
            }
        }

        return new Mlp(sizes.ToArray(), hidden, output, weights.Select(w => w.ToArray()).ToArray(), biases.Select(b => b.ToArray()).ToArray());
    }

    /// <summary>A deep copy.</summary>
    public Mlp Clone() => FromParameters(Sizes, HiddenActivation, OutputActivation, Weights, Biases);

    /// <summary>Runs one sample.</summary>
    public float[] Forward(ReadOnlySpan<float> input)
    {
        var output = new float[OutputSize];
        Forward(input, output);
        return output;
    }

    /// <summary>Runs one sample into <paramref name="output"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputSize || output.Length != OutputSize)
        {
            throw new ArgumentException($"expected {InputSize} inputs and {OutputSize} outputs, got {input.Length} and {output.Length}");
        }

        var current = input.ToArray();
        for (var l = 0; l < LayerCount; l++)
        {
            var next = new float[Sizes[l + 1]];
            Dense(current, Weights[l], Biases[l], next);
            Activate(next, l == LayerCount - 1 ? OutputActivation : HiddenActivation);
            current = next;
        }

        current.CopyTo(output);
    }

    /// <summary>
    /// z = x·W + b for one row. Column blocks of SIMD width accumulate over every input in registers, so z is
    /// loaded and stored once per block instead of once per input.
    /// </summary>
    internal static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> z)
    {
        var width = z.Length;
        var lanes = Vector<float>.Count;
        var j = 0;
        for (; j <= width - lanes; j += lanes)
        {
            var accumulator = new Vector<float>(b.Slice(j, lanes));
            for (var k = 0; k < x.Length; k++)
            {
                accumulator += new Vector<float>(w.Slice((k * width) + j, lanes)) * x[k];
            }

            accumulator.CopyTo(z.Slice(j, lanes));
        }

        for (; j < width; j++)
        {
            var sum = b[j];
            for (var k = 0; k < x.Length; k++)
            {
                sum += w[(k * width) + j] * x[k];
            }

            z[j] = sum;
        }
    }

    internal static void Activate(Span<float> values, Activation activation)
    {
        switch (activation)
        {
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.Relu:
                TensorPrimitives.Max(values, 0f, values);
                break;
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(values, values);
                break;
        }
    }
}
