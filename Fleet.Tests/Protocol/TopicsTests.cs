using Fleet.Shared.Protocol;

namespace Fleet.Tests.Protocol;

public sealed class TopicsTests
{
    [Fact]
    public void FromDevice_PutsTheDeviceUnderItsShard()
    {
        Assert.Equal("fleet/v1/s/40/foobar/report", Topics.FromDevice("foobar", TopicKind.Report));
        Assert.Equal("fleet/v1/s/40/foobar/cmd-result", Topics.FromDevice("foobar", TopicKind.CommandResult));
        Assert.Equal("fleet/v1/d/foobar/desired", Topics.Desired("foobar"));
        Assert.Equal("fleet/v1/d/foobar/cmd", Topics.Command("foobar"));
        Assert.Equal("fleet/v1/d/foobar/#", Topics.DeviceSubscription("foobar"));
        Assert.Equal("fleet/v1/s/40/#", Topics.ShardSubscription(40));
    }

    [Theory]
    [InlineData(TopicKind.Report)]
    [InlineData(TopicKind.Telemetry)]
    [InlineData(TopicKind.Events)]
    [InlineData(TopicKind.Status)]
    [InlineData(TopicKind.CommandResult)]
    public void Parse_ReadsBackEveryDeviceTopic(TopicKind kind)
    {
        var parsed = Topics.Parse(Topics.FromDevice("sensor-7.a_b", kind));

        Assert.True(parsed.IsSuccess, parsed.Error?.ToString());
        Assert.Equal(new TopicAddress(kind, "sensor-7.a_b", Sharding.ShardOf("sensor-7.a_b")), parsed.Value);
        Assert.True(parsed.Value.IsFromDevice);
    }

    [Fact]
    public void Parse_ReadsBackGatewayTopics()
    {
        Assert.Equal(new TopicAddress(TopicKind.Desired, "d1", null), Topics.Parse("fleet/v1/d/d1/desired").Value);
        Assert.Equal(new TopicAddress(TopicKind.Command, "d1", null), Topics.Parse("fleet/v1/d/d1/cmd").Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fleet")]
    [InlineData("fleet/v2/s/40/foobar/report")]
    [InlineData("fleet/v1/s/40/foobar/selfie")]
    [InlineData("fleet/v1/s/040/foobar/report")]
    [InlineData("fleet/v1/s/-1/foobar/report")]
    [InlineData("fleet/v1/s/99999999999999999999/foobar/report")]
    [InlineData("fleet/v1/s/40/foobar/report/extra")]
    [InlineData("fleet/v1/d/foobar")]
    [InlineData("fleet/v1/d/foobar/desired/x")]
    [InlineData("$SYS/broker/uptime")]
    [InlineData("/fleet/v1/d/foobar/cmd")]
    public void Parse_RejectsForeignTopics(string? topic) =>
        Assert.Equal(WireErrorKind.UnknownTopic, Topics.Parse(topic).Error?.Kind);

    [Theory]
    [InlineData("fleet/v1/d/+/cmd")]
    [InlineData("fleet/v1/d/#/cmd")]
    [InlineData("fleet/v1/d//cmd")]
    [InlineData("fleet/v1/d/-lead/cmd")]
    [InlineData("fleet/v1/d/ünïcode/cmd")]
    public void Parse_RejectsInvalidDeviceIds(string topic) =>
        Assert.Equal(WireErrorKind.InvalidDeviceId, Topics.Parse(topic).Error?.Kind);

    [Fact]
    public void Parse_RejectsADeviceClaimingAnotherShard()
    {
        var result = Topics.Parse("fleet/v1/s/3/foobar/report");

        Assert.Equal(WireErrorKind.ShardMismatch, result.Error?.Kind);
        Assert.Contains("shard 40", result.Error?.Message, StringComparison.Ordinal);
        Assert.True(Topics.Parse("fleet/v1/s/0/foobar/report", shardCount: 7).IsSuccess);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("A1._-z", true)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("_x", false)]
    [InlineData("has space", false)]
    [InlineData("slash/y", false)]
    [InlineData("plus+", false)]
    public void DeviceId_FollowsTheProtocolRule(string id, bool valid) => Assert.Equal(valid, DeviceId.IsValid(id));

    [Fact]
    public void DeviceId_AllowsAtMost64Characters()
    {
        Assert.True(DeviceId.IsValid(new string('a', 64)));
        Assert.False(DeviceId.IsValid(new string('a', 65)));
        Assert.Throws<ArgumentException>(() => Topics.Desired(new string('a', 65)));
    }
}
