using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>Reads MQTT data types from a packet body; every overrun is a malformed packet.</summary>
internal ref struct MqttSpanReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private int _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly bool End => _position == _span.Length;

    public byte ReadByte()
    {
        if (_position >= _span.Length)
        {
            throw Truncated();
        }

        return _span[_position++];
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public uint ReadVariableByteInteger()
    {
        uint value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (i > 0 && b == 0)
                {
                    throw new MqttProtocolViolationException("variable byte integer not encoded in the minimum number of bytes");
                }

                return value;
            }
        }

        throw new MqttProtocolViolationException("variable byte integer longer than 4 bytes");
    }

    public ReadOnlySpan<byte> ReadBinarySpan() => Take(ReadUInt16());

    public byte[] ReadBinary() => ReadBinarySpan().ToArray();

    public string ReadString()
    {
        var bytes = ReadBinarySpan();
        Validate(bytes);
        return bytes.Length == 0 ? "" : Encoding.UTF8.GetString(bytes);
    }

    public ReadOnlySpan<byte> ReadToEnd() => Take(Remaining);

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count > _span.Length - _position)
        {
            throw Truncated();
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    /// <summary>MQTT strings are well-formed UTF-8 without U+0000 [MQTT-1.5.4-1, -2].</summary>
    public static void Validate(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new MqttProtocolViolationException("string is not well-formed UTF-8");
        }

        if (utf8.Contains((byte)0))
        {
            throw new MqttProtocolViolationException("string contains U+0000");
        }
    }

    private static MqttProtocolViolationException Truncated() => new("packet shorter than its contents say");
}
