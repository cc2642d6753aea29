using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fleet.Shared.Health;

/// <summary>Per-chunk digests of live weight buffers, and the search for chunks that differ from the golden ones.</summary>
/// <remarks>
/// <para>A chunk digest is four CRC-32C lanes over interleaved 8-byte words (different seeds), folded
/// pairwise into 64 bits; the lanes are independent dependency chains, so the hardware CRC unit runs
/// them in parallel (≈4× one chain). Each lane detects every single-bit flip — sign, exponent or
/// mantissa — and every burst up to 32 bits in its words, and the fold keeps a change in one lane
/// visible; an arbitrary corruption goes unnoticed with probability about 2^-32 per chunk. CRC is not
/// a cryptographic hash: it guards against faults, not adversaries (artifacts on disk are verified by
/// SHA-256 and a signature).</para>
/// <para><see cref="ComputeChunks(ReadOnlySpan{byte}, Span{ulong}, int)"/> and
/// <see cref="FindChangedChunks(ReadOnlySpan{float}, TensorDigest, Span{int})"/> allocate nothing.</para>
/// </remarks>
public static class WeightDigest
{
    /// <summary>Default chunk size: one 4 KiB page.</summary>
    public const int DefaultChunkBytes = 4096;

    private const uint SeedA = 0x9E3779B9u;
    private const uint SeedB = 0x85EBCA6Bu;
    private const uint SeedC = 0xC2B2AE35u;
    private const uint SeedD = 0x27D4EB2Fu;

    /// <summary>Number of chunks a buffer of <paramref name="byteLength"/> bytes has.</summary>
    public static int ChunkCount(int byteLength, int chunkBytes = DefaultChunkBytes)
    {
        ThrowIfBadChunkSize(chunkBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        return (int)(((long)byteLength + chunkBytes - 1) / chunkBytes);
    }

    /// <summary>Digest of one chunk (any length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong DigestChunk(ReadOnlySpan<byte> chunk)
    {
        // Four independent CRC chains hide the instruction's latency; lanes a/c fold into the high half
        // and b/d into the low half, so a change confined to one lane always changes the result.
        uint a = SeedA, b = SeedB, c = SeedC, d = SeedD;
        var words = MemoryMarshal.Cast<byte, ulong>(chunk);
        var i = 0;
        for (; i + 4 <= words.Length; i += 4)
        {
            a = BitOperations.Crc32C(a, LittleEndian(words[i]));
            b = BitOperations.Crc32C(b, LittleEndian(words[i + 1]));
            c = BitOperations.Crc32C(c, LittleEndian(words[i + 2]));
            d = BitOperations.Crc32C(d, LittleEndian(words[i + 3]));
        }

        for (; i < words.Length; i++)
        {
            a = BitOperations.Crc32C(a, LittleEndian(words[i]));
        }

        foreach (var x in chunk[(words.Length * sizeof(ulong))..])
        {
            b = BitOperations.Crc32C(b, x);
        }

        return ((ulong)BitOperations.Crc32C(a, c) << 32) | BitOperations.Crc32C(b, d);
    }

    /// <summary>Writes the digest of every chunk of <paramref name="data"/> to <paramref name="destination"/>.</summary>
    public static void ComputeChunks(ReadOnlySpan<byte> data, Span<ulong> destination, int chunkBytes = DefaultChunkBytes)
    {
        var count = ChunkCount(data.Length, chunkBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, count, nameof(destination));
        for (var i = 0; i < count; i++)
        {
            var start = i * chunkBytes;
            destination[i] = DigestChunk(data.Slice(start, Math.Min(chunkBytes, data.Length - start)));
        }
    }

    /// <summary>Digest of the float tensor <paramref name="name"/>.</summary>
    public static TensorDigest Compute(string name, ReadOnlySpan<float> data, int chunkBytes = DefaultChunkBytes) =>
        Compute(name, MemoryMarshal.AsBytes(data), chunkBytes);

    /// <summary>Digest of the tensor <paramref name="name"/> given as raw bytes.</summary>
    public static TensorDigest Compute(string name, ReadOnlySpan<byte> data, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var chunks = new ulong[ChunkCount(data.Length, chunkBytes)];
        ComputeChunks(data, chunks, chunkBytes);
        return new TensorDigest(name, data.Length, chunkBytes, chunks);
    }

    /// <summary>True when every chunk of <paramref name="live"/> matches <paramref name="golden"/>; stops at the first difference.</summary>
    public static bool Matches(ReadOnlySpan<float> live, TensorDigest golden)
    {
        ArgumentNullException.ThrowIfNull(golden);
        var bytes = MemoryMarshal.AsBytes(live);
        if (bytes.Length != golden.ByteLength)
        {
            return false;
        }

        var chunks = golden.Chunks;
        for (var i = 0; i < chunks.Length; i++)
        {
            var start = i * golden.ChunkBytes;
            if (DigestChunk(bytes.Slice(start, Math.Min(golden.ChunkBytes, bytes.Length - start))) != chunks[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the indices of the chunks of <paramref name="live"/> whose digest differs from <paramref name="golden"/>.</summary>
    /// <returns>How many chunks differ; only the first <c>changed.Length</c> indices are written.</returns>
    /// <exception cref="ArgumentException">The live buffer's size differs from the golden one (a shape change, not a bit flip).</exception>
    public static int FindChangedChunks(ReadOnlySpan<float> live, TensorDigest golden, Span<int> changed)
    {
        ArgumentNullException.ThrowIfNull(golden);
        var bytes = MemoryMarshal.AsBytes(live);
        if (bytes.Length != golden.ByteLength)
        {
            throw new ArgumentException($"Tensor '{golden.Name}' has {bytes.Length} bytes live but {golden.ByteLength} in its golden digest.", nameof(live));
        }

        var found = 0;
        var chunks = golden.Chunks;
        for (var i = 0; i < chunks.Length; i++)
        {
            var start = i * golden.ChunkBytes;
            if (DigestChunk(bytes.Slice(start, Math.Min(golden.ChunkBytes, bytes.Length - start))) != chunks[i])
            {
                if (found < changed.Length)
                {
                    changed[found] = i;
                }

                found++;
            }
        }

        return found;
    }

    /// <summary>The indices of the chunks of <paramref name="live"/> that differ from <paramref name="golden"/>.</summary>
    public static int[] FindChangedChunks(ReadOnlySpan<float> live, TensorDigest golden)
    {
        ArgumentNullException.ThrowIfNull(golden);
        Span<int> scratch = golden.Chunks.Length <= 256 ? stackalloc int[golden.Chunks.Length] : new int[golden.Chunks.Length];
        var found = FindChangedChunks(live, golden, scratch);
        return scratch[..found].ToArray();
    }

    /// <summary>Copies the given chunks from <paramref name="golden"/> into <paramref name="live"/>; returns the floats copied.</summary>
    /// <remarks>The repair step of "restore corrupted tensors": only the chunks that differ are touched.</remarks>
    public static int RestoreChunks(Span<float> live, ReadOnlySpan<float> golden, TensorDigest digest, ReadOnlySpan<int> chunks)
    {
        ArgumentNullException.ThrowIfNull(digest);
        if (live.Length * sizeof(float) != digest.ByteLength || golden.Length != live.Length)
        {
            throw new ArgumentException($"Tensor '{digest.Name}': live, golden and digest sizes differ.", nameof(golden));
        }

        var copied = 0;
        foreach (var chunk in chunks)
        {
            var range = digest.ChunkElements(chunk);
            golden[range].CopyTo(live[range]);
            copied += range.End.Value - range.Start.Value;
        }

        return copied;
    }

    private static ulong LittleEndian(ulong word) => BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);

    internal static ulong Combine(ReadOnlySpan<ulong> chunks) => DigestChunk(MemoryMarshal.AsBytes(chunks));

    internal static void ThrowIfBadChunkSize(int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 16);
        if (chunkBytes % 16 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "The chunk size must be a multiple of 16 bytes.");
        }
    }
}
