namespace Fleet.Shared.Mcu;

/// <summary>
/// An MLP quantised for Fleet.Mcu: int8 activations (symmetric, zero point 0), int8 per-channel weights, int32
/// accumulation, tanh through a lookup table. <see cref="Forward"/> is the bit-exact C# twin of <c>fm_infer</c>.
/// </summary>
/// <param name="Id">Model id (at most 23 bytes of UTF-8).</param>
/// <param name="Version">Model version (at most 15 bytes).</param>
/// <param name="Sizes">Layer widths, input first.</param>
/// <param name="Hidden">Activation after every layer but the last.</param>
/// <param name="Output">Activation after the last layer.</param>
/// <param name="InputScale">Real value of one input code.</param>
/// <param name="OutputScale">Real value of one output code.</param>
/// <param name="InputLow">Lowest input code per feature the device's sensor produces (calibration box).</param>
/// <param name="InputHigh">Highest input code per feature.</param>
/// <param name="Layers">The quantised layers.</param>
public sealed record McuModel(
    string Id,
    string Version,
    int[] Sizes,
    McuActivation Hidden,
    McuActivation Output,
    double InputScale,
    double OutputScale,
    sbyte[] InputLow,
    sbyte[] InputHigh,
    McuLayer[] Layers)
{
    /// <summary>Entries of the tanh table.</summary>
    public const int TanhEntries = 2048;

    /// <summary>The tanh table: entry i is round(127 · tanh((i − 1024) / 256)).</summary>
    public static sbyte[] TanhTable { get; } = Enumerable.Range(0, TanhEntries)
        .Select(i => McuRequant.ToInt8(127.0 * Math.Tanh((i - 1024) / 256.0))).ToArray();

    /// <summary>Input width.</summary>
    public int InputSize => Sizes[0];

    /// <summary>Output width.</summary>
    public int OutputSize => Sizes[^1];

    /// <summary>Runs one int8 sample through the network exactly as the MCU does.</summary>
    public sbyte[] Forward(ReadOnlySpan<sbyte> input)
    {
        if (input.Length != InputSize)
        {
            throw new ArgumentException($"expected {InputSize} inputs, got {input.Length}", nameof(input));
        }

        var current = input.ToArray();
        for (var l = 0; l < Layers.Length; l++)
        {
            var layer = Layers[l];
            var activation = l == Layers.Length - 1 ? Output : Hidden;
            var next = new sbyte[layer.Outputs];
            for (var j = 0; j < layer.Outputs; j++)
            {
                long accumulator = layer.Biases[j];
                var row = j * layer.Inputs;
                for (var k = 0; k < layer.Inputs; k++)
                {
                    accumulator += layer.Weights[row + k] * current[k];
                }

                var scaled = McuRequant.Apply(accumulator, layer.Multipliers[j], layer.Shifts[j]);
                next[j] = activation == McuActivation.Tanh
                    ? TanhTable[Math.Clamp(scaled, -1024, 1023) + 1024]
                    : (sbyte)Math.Clamp(scaled, -127, 127);
            }

            current = next;
        }

        return current;
    }

    /// <summary>Input codes for real inputs (rounded, clamped to int8).</summary>
    public sbyte[] QuantizeInput(ReadOnlySpan<float> input)
    {
        var codes = new sbyte[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            codes[i] = McuRequant.ToInt8(input[i] / InputScale);
        }

        return codes;
    }

    /// <summary>Real inputs of input codes.</summary>
    public float[] DequantizeInput(ReadOnlySpan<sbyte> codes)
    {
        var values = new float[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            values[i] = (float)(codes[i] * InputScale);
        }

        return values;
    }
}
