namespace Fleet.Shared.Models;

/// <summary>
/// The ground truth the reference vocoder learns: a control vector (pitch, energy, timbre, each in [0, 1]) becomes
/// one 10 ms frame of 16 kHz audio made of three harmonics.
/// </summary>
/// <remarks>
/// pitch → f0 = 100–200 Hz; energy → peak amplitude 0–0.8; timbre → how slowly the harmonics roll off
/// (ratio 0.2–0.8 per harmonic). Each frame starts at phase 0, so a frame is a pure function of its controls.
/// </remarks>
public static class HarmonicSynth
{
    /// <summary>Samples per second.</summary>
    public const int SampleRate = 16_000;

    /// <summary>Samples per frame (10 ms).</summary>
    public const int FrameLength = 160;

    /// <summary>Controls per frame: pitch, energy, timbre.</summary>
    public const int ControlCount = 3;

    /// <summary>Harmonics rendered.</summary>
    public const int Harmonics = 3;

    /// <summary>Fundamental frequency for a pitch control.</summary>
    public static float FundamentalHz(float pitch) => 100f + (100f * Math.Clamp(pitch, 0f, 1f));

    /// <summary>Renders one frame for <paramref name="controls"/> into <paramref name="frame"/>.</summary>
    public static void Render(ReadOnlySpan<float> controls, Span<float> frame)
    {
        if (controls.Length != ControlCount || frame.Length != FrameLength)
        {
            throw new ArgumentException($"expected {ControlCount} controls and a {FrameLength}-sample frame");
        }

        var f0 = FundamentalHz(controls[0]);
        var amplitude = 0.8f * Math.Clamp(controls[1], 0f, 1f);
        var ratio = 0.2f + (0.6f * Math.Clamp(controls[2], 0f, 1f));
        Span<float> weights = stackalloc float[Harmonics];
        var total = 0f;
        for (var k = 0; k < Harmonics; k++)
        {
            weights[k] = MathF.Pow(ratio, k);
            total += weights[k];
        }

        for (var n = 0; n < FrameLength; n++)
        {
            var sample = 0f;
            for (var k = 0; k < Harmonics; k++)
            {
                sample += weights[k] * MathF.Sin(2f * MathF.PI * (k + 1) * f0 * n / SampleRate);
            }

            frame[n] = amplitude * sample / total;
        }
    }

    /// <summary>Renders one frame.</summary>
    public static float[] Render(ReadOnlySpan<float> controls)
    {
        var frame = new float[FrameLength];
        Render(controls, frame);
        return frame;
    }
}
