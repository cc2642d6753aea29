using System.Buffers.Binary;

namespace Fleet.Tests.Device.Packaging;

/// <summary>The few fields of an ELF header that say which machine a binary is for (System V ABI, "ELF header").</summary>
public readonly record struct ElfHeader(bool Is64Bit, bool LittleEndian, ushort Machine)
{
    public const ushort X86_64 = 62;
    public const ushort AArch64 = 183;

    /// <summary>The header of <paramref name="path"/>, or null when the file is not ELF (no 0x7F 'E' 'L' 'F' magic).</summary>
    public static ElfHeader? Read(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
            || header[0] != 0x7F || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
        {
            return null;
        }

        // e_ident[EI_CLASS] 1 = 32-bit, 2 = 64-bit; e_ident[EI_DATA] 1 = little-endian, 2 = big-endian; e_machine at 18.
        var littleEndian = header[5] == 1;
        var machine = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(header[18..]) : BinaryPrimitives.ReadUInt16BigEndian(header[18..]);
        return new ElfHeader(header[4] == 2, littleEndian, machine);
    }
}
