using Fleet.Device.Storage;

namespace Fleet.Tests.Device.Storage;

public sealed class GoldenSnapshotTests
{
    private static readonly KeyValuePair<string, float[]>[] Tensors =
    [
        new("dense1.weight", [1f, -2.5f, float.Epsilon, float.MaxValue]),
        new("dense1.bias", []),
        new("dénse2.weight", Enumerable.Range(0, 1000).Select(i => i * 0.001f).ToArray()),
    ];

    [Fact]
    public void Decode_OfEncode_GivesBackEveryTensorBitForBit()
    {
        var decoded = GoldenSnapshot.Decode(GoldenSnapshot.Encode(Tensors));

        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        Assert.Equal(3, decoded.Value.Count);
        foreach (var (name, values) in Tensors)
        {
            Assert.Equal(values, decoded.Value[name]);
        }
    }

    [Fact]
    public void Decode_OfEveryTruncation_IsACorruptionFailure()
    {
        var blob = GoldenSnapshot.Encode(Tensors);
        for (var length = 0; length < blob.Length; length++)
        {
            var result = GoldenSnapshot.Decode(blob.AsSpan(0, length));
            Assert.Equal(StoreErrorKind.Corrupt, result.Error?.Kind);
        }

        Assert.Equal(StoreErrorKind.Corrupt, GoldenSnapshot.Decode([.. blob, 0]).Error?.Kind);
    }

    [Fact]
    public void Encode_RejectsRepeatedNames() =>
        Assert.Throws<ArgumentException>(() => GoldenSnapshot.Encode([new("a", [1f]), new("a", [2f])]));
}
