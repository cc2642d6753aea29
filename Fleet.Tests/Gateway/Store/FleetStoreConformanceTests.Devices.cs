using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Healing;
using Fleet.Gateway.Store.Twins;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task TryAdd_NewDevice_StoresItStampedByTheClock()
    {
        Assert.True(await Store.Devices.TryAddAsync(
            new DeviceRegistration("pi-1", 7, CredentialKind.Certificate, new Dictionary<string, string> { ["site"] = "north", ["rack"] = "3" }), Ct));

        var device = await Store.Devices.GetAsync("pi-1", Ct);

        Assert.NotNull(device);
        Assert.Equal(7, device.Shard);
        Assert.Equal(Clock.GetUtcNow(), device.Created);
        Assert.Equal(CredentialKind.Certificate, device.Credentials);
        Assert.Equal("north", device.Labels["site"]);
        Assert.Equal("3", device.Labels["rack"]);
        Assert.False(device.Quarantined);
        Assert.Null(device.QuarantineReason);
        Assert.Null(device.LastSeen);
        Assert.False(device.Online);
        Assert.Null(device.Health);
    }

    [Fact]
    public async Task TryAdd_ExistingId_ReturnsFalseAndKeepsTheOriginal()
    {
        await AddDeviceAsync("pi-1", shard: 3);
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await Store.Devices.TryAddAsync(new DeviceRegistration("pi-1", 9, CredentialKind.None), Ct));

        var device = await Store.Devices.GetAsync("pi-1", Ct);
        Assert.Equal(3, device!.Shard);
        Assert.Equal(CredentialKind.Password, device.Credentials);
        Assert.Equal(Clock.GetUtcNow() - TimeSpan.FromMinutes(1), device.Created);
    }

    [Fact]
    public async Task SetPresence_StampsLastSeenAndOnline_TouchStampsOnlyLastSeen()
    {
        await AddDeviceAsync("pi-1");
        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await Store.Devices.SetPresenceAsync("pi-1", online: true, Ct));
        var online = await Store.Devices.GetAsync("pi-1", Ct);
        Assert.True(online!.Online);
        Assert.Equal(Clock.GetUtcNow(), online.LastSeen);

        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await Store.Devices.TouchAsync("pi-1", Ct));
        var touched = await Store.Devices.GetAsync("pi-1", Ct);
        Assert.True(touched!.Online);
        Assert.Equal(Clock.GetUtcNow(), touched.LastSeen);

        Assert.True(await Store.Devices.SetPresenceAsync("pi-1", online: false, Ct));
        Assert.False((await Store.Devices.GetAsync("pi-1", Ct))!.Online);
    }

    [Fact]
    public async Task SetQuarantine_WithReasonQuarantines_WithNullReleases()
    {
        await AddDeviceAsync("pi-1");

        Assert.True(await Store.Devices.SetQuarantineAsync("pi-1", "flapping: 6 restarts in 10 min", Ct));
        var quarantined = await Store.Devices.GetAsync("pi-1", Ct);
        Assert.True(quarantined!.Quarantined);
        Assert.Equal("flapping: 6 restarts in 10 min", quarantined.QuarantineReason);

        Assert.True(await Store.Devices.SetQuarantineAsync("pi-1", null, Ct));
        var released = await Store.Devices.GetAsync("pi-1", Ct);
        Assert.False(released!.Quarantined);
        Assert.Null(released.QuarantineReason);
    }

    [Fact]
    public async Task SetLabels_ReplacesAllLabels()
    {
        await AddDeviceAsync("pi-1", labels: new Dictionary<string, string> { ["site"] = "north" });

        Assert.True(await Store.Devices.SetLabelsAsync("pi-1", new Dictionary<string, string> { ["zone"] = "b" }, Ct));

        var labels = (await Store.Devices.GetAsync("pi-1", Ct))!.Labels;
        Assert.Equal(["zone"], labels.Keys);
        Assert.Equal("b", labels["zone"]);
    }

    [Fact]
    public async Task Operations_OnUnknownDevice_ReturnFalseOrNull()
    {
        Assert.Null(await Store.Devices.GetAsync("ghost", Ct));
        Assert.False(await Store.Devices.SetPresenceAsync("ghost", true, Ct));
        Assert.False(await Store.Devices.TouchAsync("ghost", Ct));
        Assert.False(await Store.Devices.SetQuarantineAsync("ghost", "x", Ct));
        Assert.False(await Store.Devices.SetLabelsAsync("ghost", new Dictionary<string, string>(), Ct));
        Assert.False(await Store.Devices.DeleteAsync("ghost", Ct));
    }

    [Fact]
    public async Task Delete_RemovesDeviceAndTwin_KeepsItsHealHistory()
    {
        await AddDeviceAsync("pi-1");
        await Store.Twins.SetDesiredAsync("pi-1", 0, """{"v":1}""", Ct);
        await Store.HealEvents.AppendAsync(Heal("pi-1", "h-1", Clock.GetUtcNow()), Ct);

        Assert.True(await Store.Devices.DeleteAsync("pi-1", Ct));

        Assert.Null(await Store.Devices.GetAsync("pi-1", Ct));
        Assert.Null(await Store.Twins.GetAsync("pi-1", Ct));
        Assert.Single((await Store.HealEvents.ListByDeviceAsync("pi-1", 10, null, Ct)).Items);
        Assert.True(await AddDeviceAsync("pi-1"));
        var twin = await Store.Twins.GetAsync("pi-1", Ct);
        Assert.Null(twin!.Desired);
    }

    [Fact]
    public async Task List_PagesInIdOrder_WithoutGapsOrRepeats_WhileDevicesAreAdded()
    {
        var ids = Enumerable.Range(0, 23).Select(i => $"dev-{i:D3}").ToList();
        foreach (var id in ids.AsEnumerable().Reverse())
        {
            await AddDeviceAsync(id);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.Devices.ListAsync(new DeviceQuery(Limit: 5, After: cursor), Ct);
            seen.AddRange(page.Items.Select(d => d.Id));
            cursor = page.NextCursor;
            pages++;

            // Rows added behind the cursor never shift the pages still to come.
            await AddDeviceAsync($"aaa-{pages}");
        }
        while (cursor is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task List_ExactMultipleOfLimit_EndsWithoutAnEmptyPage()
    {
        for (var i = 0; i < 4; i++)
        {
            await AddDeviceAsync($"d{i}");
        }

        var first = await Store.Devices.ListAsync(new DeviceQuery(Limit: 2), Ct);
        var second = await Store.Devices.ListAsync(new DeviceQuery(Limit: 2, After: first.NextCursor), Ct);

        Assert.NotNull(first.NextCursor);
        Assert.Equal(["d2", "d3"], second.Items.Select(d => d.Id));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task List_Filters_ByHealthModelVersionShardOnlineAndQuarantine()
    {
        await SeedFleetAsync();

        async Task<string[]> Ids(DeviceQuery query) => [.. (await Store.Devices.ListAsync(query, Ct)).Items.Select(d => d.Id)];

        Assert.Equal(["a", "c"], await Ids(new DeviceQuery(Health: "healthy")));
        Assert.Equal(["b"], await Ids(new DeviceQuery(Health: "degraded")));
        Assert.Equal(["d"], await Ids(new DeviceQuery(Health: FleetSummary.Unknown)));
        Assert.Equal(["a", "b"], await Ids(new DeviceQuery(ModelVersion: "1.2.0")));
        Assert.Equal(["d"], await Ids(new DeviceQuery(ModelVersion: FleetSummary.Unknown)));
        Assert.Equal(["b", "d"], await Ids(new DeviceQuery(Shard: 1)));
        Assert.Equal(["a", "b"], await Ids(new DeviceQuery(Online: true)));
        Assert.Equal(["c", "d"], await Ids(new DeviceQuery(Online: false)));
        Assert.Equal(["c"], await Ids(new DeviceQuery(Quarantined: true)));
        Assert.Equal(["a"], await Ids(new DeviceQuery(Health: "healthy", ModelVersion: "1.2.0", Online: true, Shard: 0)));

        var listed = (await Store.Devices.ListAsync(new DeviceQuery(), Ct)).Items.Single(d => d.Id == "b");
        Assert.Equal("degraded", listed.Health);
        Assert.Equal("1.2.0", listed.ModelVersion);
    }

    [Fact]
    public async Task GetSummary_CountsTotalsAndByHealthAndModelVersion()
    {
        await SeedFleetAsync();

        var summary = await Store.Devices.GetSummaryAsync(Ct);

        Assert.Equal(4, summary.Total);
        Assert.Equal(2, summary.Online);
        Assert.Equal(1, summary.Quarantined);
        // One state per device as the dashboard draws it: c (quarantined) and d (offline, never reported) do not count under a health.
        Assert.Equal(new Dictionary<string, int> { ["degraded"] = 1, ["healthy"] = 1, [FleetSummary.OfflineState] = 1, [FleetSummary.QuarantinedState] = 1 }, summary.ByHealth);
        Assert.Equal(new Dictionary<string, int> { ["1.2.0"] = 2, ["1.3.0"] = 1, [FleetSummary.Unknown] = 1 }, summary.ByModelVersion);
    }

    [Fact]
    public async Task GetSummary_DeviceThatWentOffline_CountsAsOffline_NotUnderItsLastHealth()
    {
        await AddDeviceAsync("e");
        await Store.Twins.SetReportedAsync("e", new ReportedUpdate("{}", 1, 1, "healthy", "vocoder", "1.2.0"), Ct);
        await Store.Devices.SetPresenceAsync("e", true, Ct);
        Assert.Equal(new Dictionary<string, int> { ["healthy"] = 1 }, (await Store.Devices.GetSummaryAsync(Ct)).ByHealth);

        await Store.Devices.SetPresenceAsync("e", false, Ct);

        var summary = await Store.Devices.GetSummaryAsync(Ct);
        Assert.Equal(new Dictionary<string, int> { [FleetSummary.OfflineState] = 1 }, summary.ByHealth);
        Assert.Equal(new Dictionary<string, int> { ["1.2.0"] = 1 }, summary.ByModelVersion);
    }

    [Fact]
    public async Task GetSummary_EmptyFleet_IsAllZero()
    {
        var summary = await Store.Devices.GetSummaryAsync(Ct);

        Assert.Equal(0, summary.Total);
        Assert.Equal(0, summary.Online);
        Assert.Empty(summary.ByHealth);
    }

    [Fact]
    public async Task Devices_BadInput_ThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.TryAddAsync(new DeviceRegistration("", 0, CredentialKind.None), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.TryAddAsync(new DeviceRegistration(null!, 0, CredentialKind.None), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.TryAddAsync(new DeviceRegistration(new string('x', 129), 0, CredentialKind.None), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.TryAddAsync(new DeviceRegistration("a\nb", 0, CredentialKind.None), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.TryAddAsync(new DeviceRegistration("ok", -1, CredentialKind.None), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.GetAsync(" ", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.ListAsync(new DeviceQuery(Limit: 0), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.ListAsync(new DeviceQuery(Limit: 1001), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Devices.ListAsync(new DeviceQuery(After: "not a cursor!"), Ct));
        Assert.Equal(0, (await Store.Devices.GetSummaryAsync(Ct)).Total);
    }

    /// <summary>a: healthy 1.2.0 online shard 0; b: degraded 1.2.0 online shard 1; c: healthy 1.3.0 quarantined; d: never reported, shard 1.</summary>
    private async Task SeedFleetAsync()
    {
        await AddDeviceAsync("a", shard: 0);
        await AddDeviceAsync("b", shard: 1);
        await AddDeviceAsync("c", shard: 2);
        await AddDeviceAsync("d", shard: 1);
        await Store.Twins.SetReportedAsync("a", new ReportedUpdate("{}", 1, 1, "healthy", "vocoder", "1.2.0"), Ct);
        await Store.Twins.SetReportedAsync("b", new ReportedUpdate("{}", 1, 1, "degraded", "vocoder", "1.2.0"), Ct);
        await Store.Twins.SetReportedAsync("c", new ReportedUpdate("{}", 1, 1, "healthy", "vocoder", "1.3.0"), Ct);
        await Store.Devices.SetPresenceAsync("a", true, Ct);
        await Store.Devices.SetPresenceAsync("b", true, Ct);
        await Store.Devices.SetQuarantineAsync("c", "flapping", Ct);
    }

    private static HealEventRecord Heal(string deviceId, string eventId, DateTimeOffset time, string modelVersion = "1.2.0", string diagnosis = "hardware", string outcome = "healed") =>
        new(deviceId, eventId, time, diagnosis, "digest", """[{"rung":"restoreTensors","validation":"pass","durationMs":3.1}]""", "restoreTensors", outcome, modelVersion);
}
