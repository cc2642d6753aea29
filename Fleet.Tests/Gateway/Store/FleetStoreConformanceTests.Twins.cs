using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Twins;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task GetTwin_KnownDeviceWithoutState_HasBothSidesNull_UnknownDeviceIsNull()
    {
        await AddDeviceAsync("pi-1");

        var twin = await Store.Twins.GetAsync("pi-1", Ct);

        Assert.Equal(new TwinRecord("pi-1", null, null), twin);
        Assert.Null(await Store.Twins.GetAsync("ghost", Ct));
    }

    [Fact]
    public async Task LastEvents_KeepTheLatestOfEachKind_AsSent_BesideTheDesiredAndReportedSides()
    {
        await AddDeviceAsync("pi-1");
        await Store.Twins.SetDesiredAsync("pi-1", 0, """{"a":1}""", Ct);

        Assert.True(await Store.Twins.SetLastEventAsync("pi-1", TwinEventKind.Update, """{"type":"update","seq":3,"outcome":"committed"}""", Ct));
        Assert.True(await Store.Twins.SetLastEventAsync("pi-1", TwinEventKind.Update, """{"type":"update","seq":4,"outcome":"rolledBack"}""", Ct));
        Assert.True(await Store.Twins.SetLastEventAsync("pi-1", TwinEventKind.Validation, """{"type":"validation","seq":5}""", Ct));
        Assert.False(await Store.Twins.SetLastEventAsync("ghost", TwinEventKind.Update, "{}", Ct));

        var twin = (await Store.Twins.GetAsync("pi-1", Ct))!;
        Assert.Equal("""{"type":"update","seq":4,"outcome":"rolledBack"}""", twin.LastUpdateJson);
        Assert.Equal("""{"type":"validation","seq":5}""", twin.LastValidationJson);
        Assert.Equal(1, twin.Desired!.Version);
        Assert.Null(await Store.Twins.GetAsync("ghost", Ct));
    }

    [Fact]
    public async Task LastEvent_OfADeviceWithNoTwinRowYet_CreatesIt_WithNoDesiredState()
    {
        await AddDeviceAsync("pi-2");

        Assert.True(await Store.Twins.SetLastEventAsync("pi-2", TwinEventKind.Validation, """{"type":"validation"}""", Ct));

        var twin = (await Store.Twins.GetAsync("pi-2", Ct))!;
        Assert.Null(twin.Desired);
        Assert.Null(twin.Reported);
        Assert.Null(twin.LastUpdateJson);
        Assert.Equal("""{"type":"validation"}""", twin.LastValidationJson);
        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.Written, 1), await Store.Twins.SetDesiredAsync("pi-2", 0, """{"a":1}""", Ct));
    }

    [Fact]
    public async Task SetDesired_FromNone_WritesVersionOne_ThenEachWriteAddsOne()
    {
        await AddDeviceAsync("pi-1");

        var first = await Store.Twins.SetDesiredAsync("pi-1", 0, """{"model":{"version":"1.2.0"}}""", Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.Twins.SetDesiredAsync("pi-1", 1, """{"model":{"version":"1.3.0"}}""", Ct);

        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.Written, 1), first);
        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.Written, 2), second);
        var desired = (await Store.Twins.GetAsync("pi-1", Ct))!.Desired;
        Assert.Equal(new DesiredState(2, """{"model":{"version":"1.3.0"}}""", Clock.GetUtcNow()), desired);
    }

    [Fact]
    public async Task SetDesired_WithStaleExpectedVersion_ReturnsConflictAndChangesNothing()
    {
        await AddDeviceAsync("pi-1");
        await Store.Twins.SetDesiredAsync("pi-1", 0, """{"a":1}""", Ct);
        await Store.Twins.SetDesiredAsync("pi-1", 1, """{"a":2}""", Ct);

        var stale = await Store.Twins.SetDesiredAsync("pi-1", 1, """{"a":3}""", Ct);
        var fromScratch = await Store.Twins.SetDesiredAsync("pi-1", 0, """{"a":4}""", Ct);
        var ahead = await Store.Twins.SetDesiredAsync("pi-1", 5, """{"a":5}""", Ct);

        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.VersionConflict, 2), stale);
        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.VersionConflict, 2), fromScratch);
        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.VersionConflict, 2), ahead);
        Assert.False(stale.Succeeded);
        Assert.Equal("""{"a":2}""", (await Store.Twins.GetAsync("pi-1", Ct))!.Desired!.Json);
    }

    [Fact]
    public async Task SetDesired_ExpectingAVersionBeforeAnyWrite_Conflicts()
    {
        await AddDeviceAsync("pi-1");
        await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("{}", 1, 1), Ct);

        var result = await Store.Twins.SetDesiredAsync("pi-1", 1, "{}", Ct);

        Assert.Equal(new DesiredWriteResult(DesiredWriteStatus.VersionConflict, 0), result);
        Assert.Equal(DesiredWriteStatus.Written, (await Store.Twins.SetDesiredAsync("pi-1", 0, "{}", Ct)).Status);
    }

    [Fact]
    public async Task SetDesired_UnknownDevice_ReturnsUnknownDevice()
    {
        Assert.Equal(DesiredWriteStatus.UnknownDevice, (await Store.Twins.SetDesiredAsync("ghost", 0, "{}", Ct)).Status);
        Assert.Equal(DesiredWriteStatus.UnknownDevice, (await Store.Twins.SetDesiredAsync("ghost", 3, "{}", Ct)).Status);
    }

    [Fact]
    public async Task SetDesired_ConcurrentWriters_WriteEveryVersionExactlyOnce()
    {
        await AddDeviceAsync("pi-1");
        const int writers = 8;
        const int writesEach = 15;

        async Task<int> WriteAsync(int writer)
        {
            var conflicts = 0;
            for (var done = 0; done < writesEach;)
            {
                var current = (await Store.Twins.GetAsync("pi-1", Ct))!.Desired?.Version ?? 0;
                var result = await Store.Twins.SetDesiredAsync("pi-1", current, $$"""{"writer":{{writer}},"n":{{done}}}""", Ct);
                if (result.Succeeded)
                {
                    done++;
                }
                else
                {
                    Assert.Equal(DesiredWriteStatus.VersionConflict, result.Status);
                    conflicts++;
                }
            }

            return conflicts;
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))));

        Assert.Equal(writers * writesEach, (await Store.Twins.GetAsync("pi-1", Ct))!.Desired!.Version);
    }

    [Fact]
    public async Task SetReported_KeepsOnlyTheNewestByEpochThenSeq()
    {
        await AddDeviceAsync("pi-1");

        Assert.Equal(ReportedWriteStatus.Written, await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("""{"seq":7}""", 100, 7, "healthy", "vocoder", "1.2.0"), Ct));
        Assert.Equal(ReportedWriteStatus.Stale, await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("""{"seq":7}""", 100, 7, "degraded"), Ct));
        Assert.Equal(ReportedWriteStatus.Stale, await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("""{"seq":6}""", 100, 6, "degraded"), Ct));
        Assert.Equal(ReportedWriteStatus.Stale, await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("""{"old":1}""", 99, 50, "degraded"), Ct));
        Clock.Advance(TimeSpan.FromSeconds(3));

        // A factory-reset device restarts seq at 1 under a new, larger epoch (docs/PROTOCOL.md).
        Assert.Equal(ReportedWriteStatus.Written, await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("""{"seq":1}""", 200, 1, "healing", "vocoder", "1.3.0"), Ct));

        var reported = (await Store.Twins.GetAsync("pi-1", Ct))!.Reported;
        Assert.Equal(new ReportedState("""{"seq":1}""", 200, 1, "healing", "vocoder", "1.3.0", Clock.GetUtcNow()), reported);
    }

    [Fact]
    public async Task SetReported_DoesNotDisturbDesired_AndViceVersa()
    {
        await AddDeviceAsync("pi-1");
        await Store.Twins.SetDesiredAsync("pi-1", 0, """{"d":1}""", Ct);
        await Store.Twins.SetReportedAsync("pi-1", new ReportedUpdate("""{"r":1}""", 1, 1), Ct);
        await Store.Twins.SetDesiredAsync("pi-1", 1, """{"d":2}""", Ct);

        var twin = await Store.Twins.GetAsync("pi-1", Ct);

        Assert.Equal("""{"d":2}""", twin!.Desired!.Json);
        Assert.Equal("""{"r":1}""", twin.Reported!.Json);
    }

    [Fact]
    public async Task SetReported_UnknownDevice_ReturnsUnknownDevice() =>
        Assert.Equal(ReportedWriteStatus.UnknownDevice, await Store.Twins.SetReportedAsync("ghost", new ReportedUpdate("{}", 1, 1), Ct));

    [Fact]
    public async Task Json_RoundTripsByteForByte()
    {
        await AddDeviceAsync("pi-1");
        const string document = """{ "zeta" : 1, "alpha":[1.50, "é\u00e9"], "dup":1, "dup":2 }""";

        await Store.Twins.SetDesiredAsync("pi-1", 0, document, Ct);

        Assert.Equal(document, (await Store.Twins.GetAsync("pi-1", Ct))!.Desired!.Json);
    }

    [Fact]
    public async Task SetDesired_InvalidOrOversizedJson_ThrowsArgumentException()
    {
        await AddDeviceAsync("pi-1");
        var oversized = "{\"x\":\"" + new string('a', StoreLimits.MaxJsonBytes) + "\"}";

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Twins.SetDesiredAsync("pi-1", 0, "{not json", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Twins.SetDesiredAsync("pi-1", 0, "", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Twins.SetDesiredAsync("pi-1", 0, null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Twins.SetDesiredAsync("pi-1", 0, oversized, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Twins.SetDesiredAsync("pi-1", -1, "{}", Ct));
        Assert.Null((await Store.Twins.GetAsync("pi-1", Ct))!.Desired);
    }
}
