namespace Fleet.Device.Simulation;

/// <summary>
/// The demo application's input: control vectors (pitch, energy, timbre) in [0, 1] that drift slowly like speech
/// prosody — a few slow oscillations per feature plus a little jitter — with an optional injected offset (input drift).
/// </summary>
internal sealed class ControlStream(int seed)
{
    private static readonly double[] Periods = [37, 53, 71];
    private readonly Random _random = new(seed);
    private readonly double[] _phase = [seed * 0.37, seed * 0.61, seed * 0.89];
    private long _frame;

    /// <summary>Added to every feature (after clamping the clean value); zero when no drift is injected.</summary>
    public float[] Offset { get; } = new float[3];

    public void Next(Span<float> controls)
    {
        _frame++;
        for (var f = 0; f < 3; f++)
        {
            var slow = 0.5 + (0.32 * Math.Sin((2 * Math.PI * _frame / Periods[f]) + _phase[f]));
            var jitter = (_random.NextDouble() - 0.5) * 0.16;
            controls[f] = (float)Math.Clamp(slow + jitter, 0, 1) + Offset[f];
        }
    }
}
