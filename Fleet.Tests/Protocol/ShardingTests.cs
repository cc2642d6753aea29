using System.Text;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Protocol;

public sealed class ShardingTests
{
    [Theory]
    [InlineData("", 0x811C9DC5u)]
    [InlineData("a", 0xE40C292Cu)]
    [InlineData("foobar", 0xBF9CF968u)]
    public void Fnv1a32_MatchesPublishedVectors(string input, uint expected) =>
        Assert.Equal(expected, Sharding.Fnv1a32(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void ShardOf_IsFnvModShardCount()
    {
        Assert.Equal((int)(0xBF9CF968u % 64), Sharding.ShardOf("foobar"));
        Assert.Equal((int)(0xBF9CF968u % 7), Sharding.ShardOf("foobar", 7));
    }

    [Fact]
    public void ShardOf_SpreadsDevicesAcrossShards()
    {
        var counts = new int[64];
        for (var i = 0; i < 64_000; i++)
        {
            counts[Sharding.ShardOf($"device-{i}")]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 700, 1300));
    }
}
