using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Fleet.Shared.Onnx.Writing;

/// <summary>Protocol-buffers wire encoding (varint, fixed32, length-delimited, packed) into a growing buffer.</summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireLength = 2;
    private const int WireFixed32 = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint((ulong)value);
    }

    public void String(int field, string value)
    {
        Tag(field, WireLength);
        var count = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)count);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(count));
        _buffer.Advance(count);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLength);
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message.WrittenSpan);

    public void Float(int field, float value)
    {
        Tag(field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void PackedInt64(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var inner = new ProtoWriter();
        foreach (var v in values)
        {
            inner.Varint((ulong)v);
        }

        Message(field, inner);
    }

    public void PackedFloat(int field, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        Tag(field, WireLength);
        Varint((ulong)(values.Length * 4));
        var span = _buffer.GetSpan(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
        }

        _buffer.Advance(values.Length * 4);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }
}
