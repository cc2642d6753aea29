using System.Text.Json;
using Fleet.Cli.Demo;

namespace Fleet.Tests.Cli.Demo;

/// <summary>How <c>fleet demo --nodes N</c> picks the node to kill and judges what a death did to the twins.</summary>
public sealed class DemoHandOffTests
{
    private static JsonElement Ready(params int[] hosted) =>
        JsonDocument.Parse($$$"""{"status":"ready","shards":{"connected":{{{hosted.Length}}},"total":64,"hosted":[{{{string.Join(",", hosted)}}}]}}""").RootElement;

    private static readonly JsonElement Legacy = JsonDocument.Parse("""{"status":"ready","shards":{"connected":64,"total":64}}""").RootElement;

    [Fact]
    public void ChooseVictim_IsTheLiveNodeHostingTheMostIngressShards()
    {
        var choice = DemoHandOff.ChooseVictim([(1, true, Ready(0, 1)), (2, true, Ready(2, 3, 4)), (3, false, Ready(5, 6, 7, 8)), (4, true, null)]);

        Assert.Equal((2, 3), choice);
    }

    [Fact]
    public void ChooseVictim_WithoutShardsHosted_FallsBackToNodeOne_OrTheFirstLiveNode()
    {
        Assert.Equal((1, (int?)null), DemoHandOff.ChooseVictim([(1, true, Legacy), (2, true, Legacy)]));
        Assert.Equal((2, (int?)null), DemoHandOff.ChooseVictim([(1, false, null), (2, true, Legacy), (3, true, null)]));
    }

    [Fact]
    public void Kept_NeedsTheTwin_ItsReportedState_AndTheHealsItHad()
    {
        var before = new DemoHandOff.Twin(true, true, true, ["h3", "h2", "h1"]);

        Assert.True(DemoHandOff.Kept(before, new DemoHandOff.Twin(true, true, true, ["h4", "h3", "h2", "h1"])));
        Assert.True(DemoHandOff.Kept(null, new DemoHandOff.Twin(true, false, false, [])));
        Assert.False(DemoHandOff.Kept(before, new DemoHandOff.Twin(false, false, false, ["h3", "h2", "h1"])));
        Assert.False(DemoHandOff.Kept(before, new DemoHandOff.Twin(true, true, false, ["h3", "h2", "h1"])));
        Assert.False(DemoHandOff.Kept(before, new DemoHandOff.Twin(true, true, true, ["h4"])));
    }

    [Fact]
    public void Read_TakesPresenceOnlineReportedAndHealIds_FromTheDeviceDetail()
    {
        var detail = JsonDocument.Parse("""
            {"device":{"id":"demo-001"},"twin":{"online":true,"reported":{"modelVersion":"1.0.0"}},"heals":[{"id":"e2"},{"id":"e1"}]}
            """).RootElement;
        var noTwin = JsonDocument.Parse("""{"device":{"id":"demo-002"},"twin":null,"heals":[]}""").RootElement;

        var twin = DemoHandOff.Read(detail);
        Assert.True(twin.Present && twin.Online && twin.Reported);
        Assert.Equal(["e2", "e1"], twin.HealIds);
        Assert.False(DemoHandOff.Read(noTwin).Present);
    }

    [Fact]
    public void Describe_SaysTheHandOff_OrThatItDidNotHappen()
    {
        var died = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        var done = DemoHandOff.Describe(new DemoHandOff.Result(2, 4242, died, TimeSpan.FromSeconds(6.25), 50, 50, 50, []));
        var pending = DemoHandOff.Describe(new DemoHandOff.Result(2, 4242, died, null, 31, 50, 0, []));
        var lost = DemoHandOff.Describe(new DemoHandOff.Result(2, 4242, died, TimeSpan.FromSeconds(7), 50, 50, 49, ["demo-007"]));

        Assert.Contains("node 2 (pid 4242) died at", done, StringComparison.Ordinal);
        Assert.Contains("hand-off 6.3 s — every device (50) answered again through a surviving node; no device lost its twin (50/50", done, StringComparison.Ordinal);
        Assert.Contains("NO HAND-OFF yet — 31 of 50 devices", pending, StringComparison.Ordinal);
        Assert.Contains("1 twin(s) LOST or changed: demo-007", lost, StringComparison.Ordinal);
    }
}
