namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>The MQTT variable byte integer: 7 bits per byte, at most 4 bytes (0 … 268,435,455).</summary>
internal static class MqttVariableByteInteger
{
    public const uint Maximum = 268_435_455;

    public static int Size(uint value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        <= Maximum => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "exceeds the variable byte integer maximum"),
    };

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    public static int Write(Span<byte> destination, uint value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Maximum);
        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            destination[i++] = b;
        }
        while (value > 0);
        return i;
    }
}
