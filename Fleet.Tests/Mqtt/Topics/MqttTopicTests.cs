using Fleet.Shared.Mqtt.Topics;

namespace Fleet.Tests.Mqtt.Topics;

public sealed class MqttTopicTests
{
    [Theory]
    [InlineData("a/b/c", "a/b/c", true)]
    [InlineData("a/b/c", "a/+/c", true)]
    [InlineData("a/b/c", "a/#", true)]
    [InlineData("a", "a/#", true)]
    [InlineData("a/b/c", "#", true)]
    [InlineData("a/b/c", "+/+/+", true)]
    [InlineData("a/b", "+/+/+", false)]
    [InlineData("a/b/c", "a/+", false)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("/a", "+/a", true)]
    [InlineData("a/", "a/+", true)]
    [InlineData("a//b", "a/+/b", true)]
    [InlineData("A", "a", false)]
    [InlineData("$SYS/uptime", "#", false)]
    [InlineData("$SYS/uptime", "+/uptime", false)]
    [InlineData("$SYS/uptime", "$SYS/#", true)]
    [InlineData("fleet/v1/s/40/dev/report", "$share/gw/fleet/v1/s/+/+/report", true)]
    [InlineData("fleet/v1/s/40/dev/report", "$share/gw/fleet/v1/d/#", false)]
    public void IsMatch_FollowsTheWildcardRules(string topic, string filter, bool expected) =>
        Assert.Equal(expected, MqttTopic.IsMatch(topic, filter));

    [Theory]
    [InlineData("a/b", true)]
    [InlineData("/", true)]
    [InlineData("", false)]
    [InlineData("a/+", false)]
    [InlineData("a/#", false)]
    [InlineData("a\0b", false)]
    public void IsValidTopicName_RejectsWildcardsEmptyAndNul(string topic, bool expected) =>
        Assert.Equal(expected, MqttTopic.IsValidTopicName(topic));

    [Theory]
    [InlineData("#", true)]
    [InlineData("a/+/b/#", true)]
    [InlineData("+", true)]
    [InlineData("a/#/b", false)]
    [InlineData("a#", false)]
    [InlineData("a/b+", false)]
    [InlineData("", false)]
    [InlineData("$share/g/a/+", true)]
    [InlineData("$share/g", false)]
    [InlineData("$share//a", false)]
    [InlineData("$share/g+/a", false)]
    [InlineData("$share/g/a#", false)]
    public void IsValidTopicFilter_ChecksWildcardPlacementAndSharedForm(string filter, bool expected) =>
        Assert.Equal(expected, MqttTopic.IsValidTopicFilter(filter));

    [Fact]
    public void TryParseShared_SplitsGroupAndFilter()
    {
        Assert.True(MqttTopic.TryParseShared("$share/gateways/fleet/v1/#", out var group, out var filter));
        Assert.Equal(("gateways", "fleet/v1/#"), (group, filter));
        Assert.False(MqttTopic.TryParseShared("fleet/v1/#", out _, out _));
    }
}
