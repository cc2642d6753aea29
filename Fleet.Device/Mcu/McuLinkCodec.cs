using System.Buffers.Binary;
using Fleet.Shared.Health;

namespace Fleet.Device.Mcu;

/// <summary>
/// The MCU link's framing (docs/MCU-LINK.md): <c>F1 EE | type | seq | length u16 LE | payload | CRC-32C u32 LE</c>,
/// the CRC over type..payload. The decoder is the C receiver's twin: it slides one byte past any false start (bad
/// magic, impossible length, CRC mismatch), so the frame after garbage is found.
/// </summary>
internal sealed class McuLinkCodec
{
    public const byte Magic0 = 0xF1;
    public const byte Magic1 = 0xEE;
    public const int MaxPayload = 1024;
    public const int Overhead = 10;

    private readonly byte[] _buffer = new byte[MaxPayload + Overhead];
    private int _count;

    /// <summary>Bytes skipped while resynchronising.</summary>
    public long Dropped { get; private set; }

    /// <summary>Encodes one frame.</summary>
    public static byte[] Encode(McuFrameType type, byte sequence, ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxPayload, nameof(payload));
        var frame = new byte[payload.Length + Overhead];
        frame[0] = Magic0;
        frame[1] = Magic1;
        frame[2] = (byte)type;
        frame[3] = sequence;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(4), (ushort)payload.Length);
        payload.CopyTo(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(6 + payload.Length), Crc32C.Compute(frame.AsSpan(2, payload.Length + 4)));
        return frame;
    }

    /// <summary>Feeds received bytes; returns the frames they complete, in order.</summary>
    public IReadOnlyList<McuFrame> Feed(ReadOnlySpan<byte> bytes)
    {
        List<McuFrame>? frames = null;
        foreach (var b in bytes)
        {
            _buffer[_count++] = b;
            if (TryTakeFrame() is { } frame)
            {
                (frames ??= []).Add(frame);
            }
        }

        return frames ?? (IReadOnlyList<McuFrame>)[];
    }

    private McuFrame? TryTakeFrame()
    {
        while (true)
        {
            if (_count >= 1 && _buffer[0] != Magic0)
            {
                Slide();
                continue;
            }

            if (_count >= 2 && _buffer[1] != Magic1)
            {
                Slide();
                continue;
            }

            if (_count < 6)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(4));
            if (length > MaxPayload)
            {
                Slide();
                continue;
            }

            if (_count < length + Overhead)
            {
                return null;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(6 + length)) != Crc32C.Compute(_buffer.AsSpan(2, length + 4)))
            {
                Slide();
                continue;
            }

            var frame = new McuFrame((McuFrameType)_buffer[2], _buffer[3], _buffer.AsSpan(6, length).ToArray());
            _count = 0;
            return frame;
        }
    }

    private void Slide()
    {
        _buffer.AsSpan(1, _count - 1).CopyTo(_buffer);
        _count--;
        Dropped++;
    }
}
