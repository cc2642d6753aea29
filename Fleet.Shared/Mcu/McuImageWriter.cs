using System.Buffers.Binary;
using System.Text;
using Fleet.Shared.Health;

namespace Fleet.Shared.Mcu;

/// <summary>
/// Writes the flash image Fleet.Mcu runs (normative layout in Fleet.Mcu/README.md, mirrored by <c>fm_image.h</c>):
/// a 128-byte header, the parameter section (the only part copied to SRAM), the per-chunk CRC-32C digests, the
/// golden cases, the tanh table, the baseline counts, the output-code → bin map and the input box. All integers
/// little-endian.
/// </summary>
public static class McuImageWriter
{
    /// <summary>"FMI1".</summary>
    public const uint Magic = 0x31494D46;

    /// <summary>Header bytes.</summary>
    public const int HeaderSize = 128;

    /// <summary>Digest chunk: the unit of detection and restore.</summary>
    public const int ChunkSize = 1024;

    /// <summary>Offset of the header CRC (CRC-32C over header bytes [0, 120) and everything after the parameters).</summary>
    public const int MetaCrcOffset = 120;

    /// <summary>Serialises the image.</summary>
    public static byte[] Write(McuModel model, sbyte[][] goldenInputs, sbyte[][] goldenExpected, uint[] baseline, byte[] binMap, float klMax, int windowInferences)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = Parameters(model);
        var chunks = (parameters.Length + ChunkSize - 1) / ChunkSize;
        using var tail = new MemoryStream();
        var digestsOffset = HeaderSize + parameters.Length;
        for (var c = 0; c < chunks; c++)
        {
            var length = Math.Min(ChunkSize, parameters.Length - (c * ChunkSize));
            WriteUInt32(tail, Crc32C.Compute(parameters.AsSpan(c * ChunkSize, length)));
        }

        var goldenOffset = digestsOffset + (int)tail.Length;
        for (var c = 0; c < goldenInputs.Length; c++)
        {
            tail.Write(MemoryMarshalBytes(goldenInputs[c]));
            tail.Write(MemoryMarshalBytes(goldenExpected[c]));
        }

        Pad(tail);
        var lutOffset = digestsOffset + (int)tail.Length;
        tail.Write(MemoryMarshalBytes(McuModel.TanhTable));
        var baselineOffset = digestsOffset + (int)tail.Length;
        foreach (var count in baseline)
        {
            WriteUInt32(tail, count);
        }

        var binMapOffset = digestsOffset + (int)tail.Length;
        tail.Write(binMap);
        var inputBoxOffset = digestsOffset + (int)tail.Length;
        tail.Write(MemoryMarshalBytes(model.InputLow));
        tail.Write(MemoryMarshalBytes(model.InputHigh));
        Pad(tail);

        var total = digestsOffset + (int)tail.Length;
        var image = new byte[total];
        var h = image.AsSpan(0, HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], HeaderSize);
        WriteName(h.Slice(8, 24), model.Id, "model id");
        WriteName(h.Slice(32, 16), model.Version, "model version");
        h[48] = (byte)model.Layers.Length;
        h[49] = (byte)model.Hidden;
        h[50] = (byte)model.Output;
        h[51] = (byte)baseline.Length;
        for (var i = 0; i < model.Sizes.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[(52 + (2 * i))..], (ushort)model.Sizes[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(h[64..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(h[68..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[72..], (uint)parameters.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[76..], ChunkSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[80..], (uint)chunks);
        BinaryPrimitives.WriteUInt32LittleEndian(h[84..], (uint)digestsOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h[88..], (uint)goldenOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(h[92..], (ushort)goldenInputs.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[94..], (ushort)windowInferences);
        BinaryPrimitives.WriteUInt32LittleEndian(h[96..], (uint)lutOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h[100..], (uint)baselineOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h[104..], (uint)binMapOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(h[108..], (uint)inputBoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(h[112..], (float)model.OutputScale);
        BinaryPrimitives.WriteSingleLittleEndian(h[116..], klMax);
        BinaryPrimitives.WriteUInt32LittleEndian(h[124..], Crc32C.Compute(parameters));
        parameters.CopyTo(image.AsSpan(HeaderSize));
        tail.ToArray().CopyTo(image.AsSpan(digestsOffset));
        var meta = Crc32C.Append(~0u, image.AsSpan(0, MetaCrcOffset));
        meta = ~Crc32C.Append(meta, image.AsSpan(digestsOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(h[MetaCrcOffset..], meta);
        return image;
    }

    /// <summary>The chunk digests stored in <paramref name="image"/>.</summary>
    public static uint[] ChunkDigests(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(80));
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(84));
        return Enumerable.Range(0, (int)count).Select(c => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(offset + (4 * c)))).ToArray();
    }

    /// <summary>The parameter section: per layer, weights [out × in] padded to 4, biases, multipliers, shifts padded to 4.</summary>
    public static byte[] Parameters(McuModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream();
        foreach (var layer in model.Layers)
        {
            stream.Write(MemoryMarshalBytes(layer.Weights));
            Pad(stream);
            foreach (var b in layer.Biases)
            {
                WriteUInt32(stream, unchecked((uint)b));
            }

            foreach (var m in layer.Multipliers)
            {
                WriteUInt32(stream, unchecked((uint)m));
            }

            stream.Write(layer.Shifts);
            Pad(stream);
        }

        return stream.ToArray();
    }

    private static void WriteName(Span<byte> field, string value, string what)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length >= field.Length || bytes.Length == 0 || bytes.Any(b => b is < 0x21 or (byte)'"' or (byte)'\\' or > 0x7E))
        {
            throw new NotSupportedException($"the {what} '{value}' must be 1…{field.Length - 1} printable ASCII characters without quotes or backslashes to fit the MCU image");
        }

        bytes.CopyTo(field);
    }

    private static byte[] MemoryMarshalBytes(sbyte[] values) => Array.ConvertAll(values, v => unchecked((byte)v));

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void Pad(Stream stream)
    {
        while (stream.Length % 4 != 0)
        {
            stream.WriteByte(0);
        }
    }
}
