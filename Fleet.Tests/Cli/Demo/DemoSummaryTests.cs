using System.Text.Json;
using Fleet.Cli.Demo;

namespace Fleet.Tests.Cli.Demo;

/// <summary>The demo's live line never shows frozen state as live: stale devices, silence and a lost broker session are said.</summary>
public sealed class DemoSummaryTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 5, 0, 0, DateTimeKind.Local);

    private static JsonElement Summary(int shardsConnected = 64) => JsonDocument.Parse($$"""
        {"total":3,"online":3,"quarantined":0,"byHealth":{"healthy":3 },"byModelVersion":{"1.0.0":3 },"shardsConnected":{{shardsConnected}},
         "ingest":{"reports":3,"telemetry":30,"events":2,"rejected":0 } }
        """).RootElement;

    [Fact]
    public void FreshDevices_AreOnline_WithTheirLastSeenAge()
    {
        var line = DemoSummary.Format(Summary(), [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(40)], TimeSpan.Zero, Now);
        Assert.Contains("online 3 (each seen in the last 40 s)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("stale", line, StringComparison.Ordinal);
    }

    [Fact]
    public void DevicesSilentTooLong_AreCountedStale_NotOnline()
    {
        var line = DemoSummary.Format(Summary(), [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(4)], TimeSpan.Zero, Now);
        Assert.Contains("online 1 (each seen in the last 5 s) (+2 stale: silent > 90 s, the oldest 4 min)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void NoBrokerSession_OrNothingReceived_IsSaidBeforeTheLastKnownCounts()
    {
        Assert.Contains("NOT RECEIVING", DemoSummary.Format(Summary(shardsConnected: 0), [TimeSpan.FromSeconds(1)], TimeSpan.Zero, Now), StringComparison.Ordinal);
        Assert.Contains("NOTHING RECEIVED for 20 s — last known: devices 3", DemoSummary.Format(Summary(), [TimeSpan.FromSeconds(1)], TimeSpan.FromSeconds(20), Now), StringComparison.Ordinal);
        Assert.DoesNotContain("NOTHING", DemoSummary.Format(Summary(), [TimeSpan.FromSeconds(1)], TimeSpan.FromSeconds(5), Now), StringComparison.Ordinal);
    }

    [Fact]
    public void OneNodeOfSeveral_DoesNotCallItsOwnShareOfTheFleetNotReceiving()
    {
        var line = DemoSummary.Format(Summary(shardsConnected: 0), [TimeSpan.FromSeconds(1)], TimeSpan.Zero, Now, nodeLocal: true);

        Assert.DoesNotContain("NOT RECEIVING", line, StringComparison.Ordinal);
        Assert.Contains("events 2, telemetry 30 (ingested by the answering node)", line, StringComparison.Ordinal);
    }
}
