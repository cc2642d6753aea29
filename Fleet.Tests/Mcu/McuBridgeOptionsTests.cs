using Fleet.Device.Mcu;

namespace Fleet.Tests.Mcu;

public sealed class McuBridgeOptionsTests
{
    [Fact]
    public void Parse_TakesTheGatewaysShardCount_DefaultingToTheProtocolDefault()
    {
        var (defaults, _) = McuBridgeOptions.Parse(["--mcu", "tcp:127.0.0.1:5555"]);
        var (configured, problem) = McuBridgeOptions.Parse(["--mcu", "tcp:127.0.0.1:5555", "--shard-count", "16", "--broker", "10.0.0.2:8883"]);

        Assert.Null(problem);
        Assert.Equal(Fleet.Shared.Protocol.Sharding.DefaultShardCount, defaults!.ShardCount);
        Assert.Equal(16, configured!.ShardCount);
        Assert.Equal(("10.0.0.2", 8883), (configured.BrokerHost, configured.BrokerPort));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4097")]
    [InlineData("sixteen")]
    [InlineData("-3")]
    public void Parse_RefusesAShardCountOutsideTheGatewaysRange(string value)
    {
        var (options, problem) = McuBridgeOptions.Parse(["--mcu", "tcp:127.0.0.1:5555", "--shard-count", value]);

        Assert.Null(options);
        Assert.Contains("--shard-count", problem, StringComparison.Ordinal);
        Assert.Contains(value, problem, StringComparison.Ordinal);
    }
}
