using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>A growable scratch buffer from the shared pool, reused across packets by one encoder.</summary>
internal sealed class MqttWriteBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public MqttWriteBuffer(int initialCapacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteVariableByteInteger(uint value)
    {
        var written = MqttVariableByteInteger.Write(Reserve(4), value);
        _length -= 4 - written;
    }

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > ushort.MaxValue)
        {
            throw new ArgumentException($"string of {count} UTF-8 bytes exceeds the MQTT limit of 65535", nameof(value));
        }

        WriteUInt16((ushort)count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"binary data of {value.Length} bytes exceeds the MQTT limit of 65535", nameof(value));
        }

        WriteUInt16((ushort)value.Length);
        Write(value);
    }

    public void Write(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
