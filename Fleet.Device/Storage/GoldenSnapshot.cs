using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Fleet.Device.Storage;

/// <summary>The byte format of a golden weight snapshot: the verified weights restores copy from.</summary>
/// <remarks>
/// <c>"FLTG" u32 version=1 u32 tensorCount</c>, then per tensor <c>u16 nameLength, UTF-8 name,
/// u32 floatCount, floats</c>, all little-endian. The store verifies the blob's SHA-256 before it is
/// decoded; decoding still checks every length so a wrong blob is a failure value, not a crash.
/// </remarks>
internal static class GoldenSnapshot
{
    private const uint FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "FLTG"u8;

    public static byte[] Encode(IEnumerable<KeyValuePair<string, float[]>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var buffer = new MemoryStream();
        Span<byte> scratch = stackalloc byte[4];
        var list = tensors.ToList();
        buffer.Write(Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, FormatVersion);
        buffer.Write(scratch);
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)list.Count);
        buffer.Write(scratch);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, values) in list)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            if (nameBytes.Length is 0 or > ushort.MaxValue || !names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' is empty, too long or repeated.", nameof(tensors));
            }

            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)nameBytes.Length);
            buffer.Write(scratch[..2]);
            buffer.Write(nameBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)values.Length);
            buffer.Write(scratch);
            if (BitConverter.IsLittleEndian)
            {
                buffer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                foreach (var v in values)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(scratch, v);
                    buffer.Write(scratch);
                }
            }
        }

        return buffer.ToArray();
    }

    public static StoreResult<IReadOnlyDictionary<string, float[]>> Decode(ReadOnlySpan<byte> blob)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (blob.Length < 12 || !blob[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]) != FormatVersion)
        {
            return Corrupt("it does not start with a version-1 golden snapshot header");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(blob[8..]);
        var rest = blob[12..];
        for (var i = 0u; i < count; i++)
        {
            if (rest.Length < 2)
            {
                return Corrupt($"tensor {i} is cut off");
            }

            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            if (nameLength == 0 || rest.Length < 2 + nameLength + 4)
            {
                return Corrupt($"tensor {i} is cut off");
            }

            var name = Encoding.UTF8.GetString(rest.Slice(2, nameLength));
            var floats = BinaryPrimitives.ReadUInt32LittleEndian(rest[(2 + nameLength)..]);
            rest = rest[(2 + nameLength + 4)..];
            if (floats > (uint)(rest.Length / sizeof(float)))
            {
                return Corrupt($"tensor '{name}' claims {floats} floats but {rest.Length} bytes remain");
            }

            var values = new float[floats];
            var bytes = rest[..((int)floats * sizeof(float))];
            if (BitConverter.IsLittleEndian)
            {
                bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (var k = 0; k < values.Length; k++)
                {
                    values[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(k * 4)..]);
                }
            }

            if (!result.TryAdd(name, values))
            {
                return Corrupt($"tensor '{name}' appears twice");
            }

            rest = rest[bytes.Length..];
        }

        return rest.IsEmpty ? StoreResult<IReadOnlyDictionary<string, float[]>>.Success(result) : Corrupt($"{rest.Length} bytes follow the last tensor");
    }

    private static StoreResult<IReadOnlyDictionary<string, float[]>> Corrupt(string why) =>
        StoreResult<IReadOnlyDictionary<string, float[]>>.Failure(StoreErrorKind.Corrupt, $"golden snapshot is corrupt: {why}");
}
