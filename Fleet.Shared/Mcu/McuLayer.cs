namespace Fleet.Shared.Mcu;

/// <summary>
/// One quantised dense layer: int8 weights stored [out × in] (a row per output neuron, so the MCU's dot product
/// walks contiguous memory), int32 biases at the accumulator's scale, and a per-output-channel rescale.
/// </summary>
/// <param name="Inputs">Input width.</param>
/// <param name="Outputs">Output width.</param>
/// <param name="Weights">Row-major [Outputs × Inputs].</param>
/// <param name="Biases">Per output, at scale inputScale · weightScale[j].</param>
/// <param name="Multipliers">Q31 rescale multiplier per output (see <see cref="McuRequant"/>).</param>
/// <param name="Shifts">Right shift per output.</param>
/// <param name="WeightScales">Float scale of each output channel's weights (export report only; not in the image).</param>
public sealed record McuLayer(int Inputs, int Outputs, sbyte[] Weights, int[] Biases, int[] Multipliers, byte[] Shifts, double[] WeightScales)
{
    /// <summary>Bytes this layer takes in the image's parameter section (each array padded to 4 bytes).</summary>
    public int ParameterBytes => Pad4(Outputs * Inputs) + (8 * Outputs) + Pad4(Outputs);

    internal static int Pad4(int n) => (n + 3) & ~3;
}
