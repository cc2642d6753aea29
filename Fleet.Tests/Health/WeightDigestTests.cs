using System.Text;
using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class WeightDigestTests
{
    private static float[] Weights(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
    }

    [Fact]
    public void Crc32C_MatchesTheStandardCheckValue() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Theory]
    [InlineData(31, "sign")]
    [InlineData(30, "exponent (top)")]
    [InlineData(23, "exponent (bottom)")]
    [InlineData(22, "mantissa (top)")]
    [InlineData(0, "mantissa (bottom)")]
    public void FindChangedChunks_LocatesASingleFlippedBit(int bit, string field)
    {
        // 10 000 floats = 40 000 bytes = 10 chunks of 4 KiB (the last one partial).
        var weights = Weights(10_000, 1);
        var golden = WeightDigest.Compute("dense1.weight", weights);
        Assert.Equal(10, golden.Chunks.Length);
        foreach (var index in new[] { 0, 1023, 1024, 5000, 9_999 })
        {
            var live = (float[])weights.Clone();
            live[index] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(live[index]) ^ (1 << bit));

            var changed = WeightDigest.FindChangedChunks(live, golden);

            Assert.True(changed.SequenceEqual([index * sizeof(float) / 4096]), $"{field} bit of element {index}: changed chunks [{string.Join(',', changed)}]");
            Assert.False(WeightDigest.Matches(live, golden));
            Assert.NotEqual(golden.Whole, WeightDigest.Compute("dense1.weight", live).Whole);
        }
    }

    [Fact]
    public void FindChangedChunks_OfIntactWeights_FindsNothing()
    {
        var weights = Weights(3_000, 2);
        var golden = WeightDigest.Compute("w", weights);

        Assert.Empty(WeightDigest.FindChangedChunks(weights, golden));
        Assert.True(WeightDigest.Matches(weights, golden));
    }

    [Fact]
    public void ChunkElements_CopiesExactlyTheBrokenChunkBack()
    {
        var golden = Weights(5_000, 3);
        var digest = WeightDigest.Compute("w", golden);
        var live = (float[])golden.Clone();
        live[2_500] = float.NaN;
        live[2_501] = 1e30f;

        var changed = WeightDigest.FindChangedChunks(live, digest);
        Assert.Single(changed);
        var range = digest.ChunkElements(changed[0]);
        Assert.Equal(1024, range.End.Value - range.Start.Value);
        golden.AsSpan(range).CopyTo(live.AsSpan(range));

        Assert.True(WeightDigest.Matches(live, digest));
    }

    [Fact]
    public void RestoreChunks_RepairsScatteredFlipsAndTouchesNothingElse()
    {
        var golden = Weights(20_000, 8);
        var digest = WeightDigest.Compute("w", golden);
        var live = (float[])golden.Clone();
        live[10] = 0;
        live[7_000] = -live[7_000];
        live[19_999] = float.PositiveInfinity;
        var changed = WeightDigest.FindChangedChunks(live, digest);
        Assert.Equal([0, 6, 19], changed);

        var copied = WeightDigest.RestoreChunks(live, golden, digest, changed);

        Assert.Equal(1024 + 1024 + (20_000 - (19 * 1024)), copied);
        Assert.Equal(golden, live);
    }

    [Fact]
    public void ModelDigest_FindMismatches_NamesTheTensorAndChunk_AndFlagsMissingOrResizedTensors()
    {
        var a = Weights(2_048, 4);
        var b = Weights(100, 5);
        var c = Weights(10, 6);
        var golden = ModelDigest.Compute([new("a", a), new("b", b), new("c", c)]);
        var brokenA = (float[])a.Clone();
        brokenA[1_500] = -brokenA[1_500];

        var mismatches = golden.FindMismatches(new Dictionary<string, ReadOnlyMemory<float>>
        {
            ["a"] = brokenA,
            ["b"] = Weights(99, 5),
        });

        Assert.Equal(3, mismatches.Count);
        Assert.Equal(new TensorMismatch("a", mismatches[0].Chunks, false), mismatches[0]);
        Assert.Equal([1], mismatches[0].Chunks);
        Assert.True(mismatches[1] is { Name: "b", WholeTensor: true });
        Assert.True(mismatches[2] is { Name: "c", WholeTensor: true });
    }

    [Fact]
    public void TensorDigest_FromChunks_RoundTripsAPersistedDigest()
    {
        var weights = Weights(1_234, 7);
        var digest = WeightDigest.Compute("w", weights, chunkBytes: 256);
        var copy = TensorDigest.FromChunks("w", digest.ByteLength, 256, digest.ToArray());

        Assert.Equal(digest.Whole, copy.Whole);
        Assert.True(WeightDigest.Matches(weights, copy));
    }

    [Fact]
    public void Compute_RejectsAChunkSizeThatIsNotAMultipleOf16() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightDigest.Compute("w", new float[8], chunkBytes: 100));
}
