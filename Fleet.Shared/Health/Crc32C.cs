using System.Buffers.Binary;
using System.Numerics;

namespace Fleet.Shared.Health;

/// <summary>CRC-32C (Castagnoli), on the CPU's CRC instructions where present (SSE4.2, ARMv8).</summary>
/// <remarks>
/// System.IO.Hashing is not on this project's package feed; <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// is in the BCL and uses the hardware instruction when available. CRC-32C detects every error burst up
/// to 32 bits long — in particular every single flipped bit.
/// </remarks>
public static class Crc32C
{
    /// <summary>The standard CRC-32C of <paramref name="data"/> (check value of "123456789": 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);

    /// <summary>Continues a raw (non-inverted) CRC state over <paramref name="data"/>.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return state;
    }
}
