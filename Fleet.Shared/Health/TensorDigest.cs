namespace Fleet.Shared.Health;

/// <summary>The golden digest of one tensor: one 64-bit digest per fixed-size chunk of its bytes.</summary>
/// <remarks>
/// Chunk <c>i</c> covers bytes <c>[i × ChunkBytes, min((i + 1) × ChunkBytes, ByteLength))</c> of the
/// tensor's little-endian buffer; <see cref="ChunkElements"/> maps it to float elements so a restore can
/// copy exactly the changed chunks from the golden snapshot. Immutable.
/// </remarks>
public sealed class TensorDigest
{
    private readonly ulong[] _chunks;

    internal TensorDigest(string name, int byteLength, int chunkBytes, ulong[] chunks)
    {
        Name = name;
        ByteLength = byteLength;
        ChunkBytes = chunkBytes;
        _chunks = chunks;
        Whole = WeightDigest.Combine(chunks);
    }

    /// <summary>The tensor's name (an ONNX initializer name).</summary>
    public string Name { get; }

    /// <summary>Length of the digested buffer in bytes.</summary>
    public int ByteLength { get; }

    /// <summary>Bytes per chunk (a multiple of 16).</summary>
    public int ChunkBytes { get; }

    /// <summary>Digest of each chunk.</summary>
    public ReadOnlySpan<ulong> Chunks => _chunks;

    /// <summary>One 64-bit digest of the whole tensor (a digest of the chunk digests).</summary>
    public ulong Whole { get; }

    /// <summary>The chunk digests as a new array (for persisting).</summary>
    public ulong[] ToArray() => (ulong[])_chunks.Clone();

    /// <summary>The range of float elements chunk <paramref name="chunk"/> covers.</summary>
    public Range ChunkElements(int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chunk, _chunks.Length);
        var start = chunk * ChunkBytes;
        var end = Math.Min(start + ChunkBytes, ByteLength);
        return new Range(start / sizeof(float), end / sizeof(float));
    }

    /// <summary>Recreates a digest from persisted chunk digests.</summary>
    public static TensorDigest FromChunks(string name, int byteLength, int chunkBytes, ReadOnlySpan<ulong> chunks)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        WeightDigest.ThrowIfBadChunkSize(chunkBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        ArgumentOutOfRangeException.ThrowIfNotEqual(chunks.Length, WeightDigest.ChunkCount(byteLength, chunkBytes), nameof(chunks));
        return new TensorDigest(name, byteLength, chunkBytes, chunks.ToArray());
    }
}
