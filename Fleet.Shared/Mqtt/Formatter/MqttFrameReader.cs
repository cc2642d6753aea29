using System.Buffers;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>Splits a byte stream into MQTT packets: fixed header byte, remaining length, body.</summary>
internal static class MqttFrameReader
{
    /// <summary>
    /// Reads one complete packet from the start of <paramref name="buffer"/>. Returns false when more
    /// bytes are needed; throws <see cref="MqttProtocolViolationException"/> for a bad remaining length
    /// (0x81) or a packet larger than <paramref name="maximumPacketSize"/> (0x95).
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, uint maximumPacketSize, out byte header, out ReadOnlySequence<byte> body)
    {
        header = 0;
        body = default;
        if (buffer.Length < 2)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[5];
        var available = (int)Math.Min(5, buffer.Length);
        buffer.Slice(0, available).CopyTo(prefix);
        uint remaining = 0;
        var lengthBytes = 0;
        for (var i = 1; ; i++)
        {
            if (i >= available)
            {
                if (i == 5)
                {
                    throw new MqttProtocolViolationException("remaining length longer than 4 bytes");
                }

                return false;
            }

            var b = prefix[i];
            remaining |= (uint)(b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                if (i > 1 && b == 0)
                {
                    throw new MqttProtocolViolationException("remaining length not encoded in the minimum number of bytes");
                }

                lengthBytes = i;
                break;
            }

            if (i == 4)
            {
                throw new MqttProtocolViolationException("remaining length longer than 4 bytes");
            }
        }

        var total = 1L + lengthBytes + remaining;
        if (total > maximumPacketSize)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.PacketTooLarge, $"packet of {total} bytes exceeds the maximum packet size {maximumPacketSize}");
        }

        if (buffer.Length < total)
        {
            return false;
        }

        header = prefix[0];
        body = buffer.Slice(1 + lengthBytes, remaining);
        buffer = buffer.Slice(total);
        return true;
    }
}
