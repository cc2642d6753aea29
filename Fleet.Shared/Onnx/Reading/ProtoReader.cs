using System.Buffers.Binary;
using System.Text;

namespace Fleet.Shared.Onnx.Reading;

/// <summary>Reads protocol-buffers wire format; every malformed or truncated field raises <see cref="OnnxFormatException"/>.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = (int)(tag >> 3);
        if (field <= 0 || tag >> 3 > int.MaxValue)
        {
            throw new OnnxFormatException($"invalid protobuf field number at byte {_position}");
        }

        return (field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new OnnxFormatException("truncated varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new OnnxFormatException("varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new OnnxFormatException($"length-delimited field of {length} bytes runs past the end ({_data.Length - _position} left)");
        }

        var span = _data.Slice(_position, (int)length);
        _position += (int)length;
        return span;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public float ReadFloat()
    {
        if (_data.Length - _position < 4)
        {
            throw new OnnxFormatException("truncated fixed32");
        }

        var value = BinaryPrimitives.ReadSingleLittleEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw new OnnxFormatException($"unsupported protobuf wire type {wireType}");
        }
    }

    /// <summary>Reads a repeated int64 field, packed (wire type 2) or not (wire type 0).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 0)
        {
            into.Add(ReadInt64());
            return;
        }

        Expect(wireType, 2);
        var packed = new ProtoReader(ReadBytes());
        while (!packed.End)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field, packed (wire type 2) or not (wire type 5).</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == 5)
        {
            into.Add(ReadFloat());
            return;
        }

        Expect(wireType, 2);
        var packed = ReadBytes();
        if (packed.Length % 4 != 0)
        {
            throw new OnnxFormatException("packed float field length is not a multiple of 4");
        }

        for (var i = 0; i < packed.Length; i += 4)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
        }
    }

    public static void Expect(int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw new OnnxFormatException($"protobuf wire type {wireType} where {expected} was expected");
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw new OnnxFormatException("truncated fixed-width field");
        }

        _position += count;
    }
}
