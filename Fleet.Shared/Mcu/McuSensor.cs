namespace Fleet.Shared.Mcu;

/// <summary>
/// The MCU self-test's stand-in sensor, shared with the C core (<c>fm_sensor_next</c>): xorshift32 draws each input
/// code uniformly from the image's calibration box. The exporter calibrates on the same stream the device sees.
/// </summary>
public sealed class McuSensor
{
    private uint _state;

    /// <summary>A sensor seeded with <paramref name="seed"/> (0 is replaced by 1: xorshift never leaves 0).</summary>
    public McuSensor(uint seed) => _state = seed == 0 ? 1u : seed;

    /// <summary>The next raw 32-bit draw.</summary>
    public uint Next()
    {
        var x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _state = x;
        return x;
    }

    /// <summary>One input sample: feature i uniform in [low[i], high[i]].</summary>
    public void Sample(ReadOnlySpan<sbyte> low, ReadOnlySpan<sbyte> high, Span<sbyte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var span = (uint)(high[i] - low[i] + 1);
            destination[i] = (sbyte)(low[i] + (int)(Next() % span));
        }
    }
}
