using Fleet.Gateway.Store.Healing;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task AppendHealEvent_SameEventIdTwice_StoresItOnce()
    {
        var healEvent = Heal("pi-1", "h-17", Clock.GetUtcNow());

        Assert.True(await Store.HealEvents.AppendAsync(healEvent, Ct));
        Assert.False(await Store.HealEvents.AppendAsync(healEvent with { Outcome = "unhealable" }, Ct));

        var stored = Assert.Single((await Store.HealEvents.ListByDeviceAsync("pi-1", 10, null, Ct)).Items);
        Assert.Equal(healEvent, stored);
    }

    [Fact]
    public async Task AppendHealEvent_SameEventIdOnTwoDevices_StoresBoth()
    {
        Assert.True(await Store.HealEvents.AppendAsync(Heal("pi-1", "h-1", Clock.GetUtcNow()), Ct));
        Assert.True(await Store.HealEvents.AppendAsync(Heal("pi-2", "h-1", Clock.GetUtcNow()), Ct));

        Assert.Single((await Store.HealEvents.ListByDeviceAsync("pi-2", 10, null, Ct)).Items);
    }

    [Fact]
    public async Task ListHealEventsByDevice_NewestFirst_PagesStablyThroughEqualTimes()
    {
        var start = Clock.GetUtcNow();
        var expected = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            // Three events share each timestamp: the order among them must still be total and stable.
            await Store.HealEvents.AppendAsync(Heal("pi-1", $"h-{i:D2}", start + TimeSpan.FromSeconds(i / 3)), Ct);
            expected.Insert(0, $"h-{i:D2}");
        }

        await Store.HealEvents.AppendAsync(Heal("pi-2", "other", start + TimeSpan.FromHours(1)), Ct);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.HealEvents.ListByDeviceAsync("pi-1", 5, cursor, Ct);
            seen.AddRange(page.Items.Select(e => e.EventId));
            cursor = page.NextCursor;

            // A newer event arriving mid-listing lands before the cursor and must not appear.
            await Store.HealEvents.AppendAsync(Heal("pi-1", $"late-{seen.Count}", start + TimeSpan.FromHours(2)), Ct);
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task ListHealEventsByModelVersion_ReturnsTheHalfOpenWindowOldestFirst_Paged()
    {
        var t0 = Clock.GetUtcNow();
        await Store.HealEvents.AppendAsync(Heal("a", "before", t0 - TimeSpan.FromTicks(10)), Ct);
        await Store.HealEvents.AppendAsync(Heal("a", "at-start", t0), Ct);
        await Store.HealEvents.AppendAsync(Heal("b", "inside-1", t0 + TimeSpan.FromMinutes(1)), Ct);
        await Store.HealEvents.AppendAsync(Heal("c", "inside-2", t0 + TimeSpan.FromMinutes(2)), Ct);
        await Store.HealEvents.AppendAsync(Heal("c", "other-model", t0 + TimeSpan.FromMinutes(2), modelVersion: "1.3.0"), Ct);
        await Store.HealEvents.AppendAsync(Heal("a", "at-end", t0 + TimeSpan.FromMinutes(5)), Ct);

        var first = await Store.HealEvents.ListByModelVersionAsync("1.2.0", t0, t0 + TimeSpan.FromMinutes(5), 2, null, Ct);
        var second = await Store.HealEvents.ListByModelVersionAsync("1.2.0", t0, t0 + TimeSpan.FromMinutes(5), 2, first.NextCursor, Ct);

        Assert.Equal(["at-start", "inside-1"], first.Items.Select(e => e.EventId));
        Assert.Equal(["inside-2"], second.Items.Select(e => e.EventId));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task SummarizeHealEvents_CountsEventsAndDistinctDevicesPerSignature()
    {
        var t0 = Clock.GetUtcNow();
        await Store.HealEvents.AppendAsync(Heal("a", "1", t0, diagnosis: "dataDrift", outcome: "healed"), Ct);
        await Store.HealEvents.AppendAsync(Heal("a", "2", t0, diagnosis: "dataDrift", outcome: "healed"), Ct);
        await Store.HealEvents.AppendAsync(Heal("b", "1", t0, diagnosis: "dataDrift", outcome: "healed"), Ct);
        await Store.HealEvents.AppendAsync(Heal("c", "1", t0, diagnosis: "dataDrift", outcome: "unhealable"), Ct);
        await Store.HealEvents.AppendAsync(Heal("c", "2", t0, diagnosis: "hardware", outcome: "healed"), Ct);
        await Store.HealEvents.AppendAsync(Heal("d", "1", t0 + TimeSpan.FromHours(1), diagnosis: "hardware", outcome: "healed"), Ct);
        await Store.HealEvents.AppendAsync(Heal("e", "1", t0, diagnosis: "hardware", outcome: "healed", modelVersion: "9.9.9"), Ct);

        var summary = await Store.HealEvents.SummarizeAsync("1.2.0", t0, t0 + TimeSpan.FromMinutes(10), Ct);

        Assert.Equal(
            [
                new HealSignatureCount("dataDrift", "healed", 3, 2),
                new HealSignatureCount("dataDrift", "unhealable", 1, 1),
                new HealSignatureCount("hardware", "healed", 1, 1),
            ],
            summary);
    }

    [Fact]
    public async Task AppendHealEvent_EightConcurrentWriters_LoseNothing()
    {
        const int writers = 8;
        const int eventsEach = 200;
        var t0 = Clock.GetUtcNow();

        var inserted = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var count = 0;
            for (var i = 0; i < eventsEach; i++)
            {
                count += await Store.HealEvents.AppendAsync(Heal($"dev-{w}", $"h-{i}", t0 + TimeSpan.FromMilliseconds(i)), Ct) ? 1 : 0;
            }

            return count;
        })));

        Assert.All(inserted, n => Assert.Equal(eventsEach, n));
        var summary = await Store.HealEvents.SummarizeAsync("1.2.0", t0, t0 + TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(new HealSignatureCount("hardware", "healed", writers * eventsEach, writers), Assert.Single(summary));
        var all = new List<HealEventRecord>();
        string? cursor = null;
        do
        {
            var page = await Store.HealEvents.ListByModelVersionAsync("1.2.0", t0, t0 + TimeSpan.FromMinutes(1), 1000, cursor, Ct);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(writers * eventsEach, all.Select(e => (e.DeviceId, e.EventId)).Distinct().Count());
    }

    [Fact]
    public async Task AppendHealEvent_RacingRedeliveries_StoreEachEventOnce()
    {
        var t0 = Clock.GetUtcNow();

        // Four pairs of writers deliver the same 100 events each, as a broker redelivery would.
        var inserted = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var count = 0;
            for (var i = 0; i < 100; i++)
            {
                count += await Store.HealEvents.AppendAsync(Heal($"dev-{w % 4}", $"h-{i}", t0), Ct) ? 1 : 0;
            }

            return count;
        })));

        Assert.Equal(400, inserted.Sum());
        var summary = await Store.HealEvents.SummarizeAsync("1.2.0", t0, t0 + TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(400, Assert.Single(summary).Events);
    }

    [Fact]
    public async Task AppendHealEvent_BadInput_ThrowsArgumentException()
    {
        var valid = Heal("pi-1", "h-1", Clock.GetUtcNow());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.HealEvents.AppendAsync(valid with { EventId = "" }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.HealEvents.AppendAsync(valid with { DeviceId = null! }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.HealEvents.AppendAsync(valid with { RungsJson = "[" }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.HealEvents.ListByDeviceAsync("pi-1", 10, "bm90LWEtY3Vyc29y", Ct));
        Assert.Empty((await Store.HealEvents.ListByDeviceAsync("pi-1", 10, null, Ct)).Items);
    }

    [Fact]
    public async Task HealEvent_KeepsTheDevicesOwnTime_BesideTheReceivedTime()
    {
        var received = Clock.GetUtcNow();
        var healed = received - TimeSpan.FromSeconds(34);
        Assert.True(await Store.HealEvents.AppendAsync(Heal("pi-t", "h-1", received) with { DeviceTime = healed }, Ct));
        Assert.True(await Store.HealEvents.AppendAsync(Heal("pi-t", "h-2", received + TimeSpan.FromSeconds(1)), Ct));

        var items = (await Store.HealEvents.ListByDeviceAsync("pi-t", 10, null, Ct)).Items;

        Assert.Null(items[0].DeviceTime);
        Assert.Equal(healed, items[1].DeviceTime);
        Assert.Equal(received, items[1].Time);
    }

    [Fact]
    public async Task Waveforms_AreKeptPerDevice_TheLatestReplacingTheOlder()
    {
        Assert.Null(await Store.HealEvents.GetWaveformsAsync("pi-w", Ct));
        var first = new HealWaveforms("pi-w", "h-1", Clock.GetUtcNow(), "hardware", "healed", 8000, [1, 0, 2, 0], null);
        await Store.HealEvents.SaveWaveformsAsync(first, Ct);
        var second = new HealWaveforms("pi-w", "h-2", Clock.GetUtcNow() + TimeSpan.FromSeconds(5), "modelQuality", "unhealable", 16000, [3, 0], [4, 0, 5, 0]);
        await Store.HealEvents.SaveWaveformsAsync(second, Ct);

        var kept = await Store.HealEvents.GetWaveformsAsync("pi-w", Ct);

        Assert.NotNull(kept);
        Assert.Equal(("h-2", "modelQuality", "unhealable", 16000), (kept.HealId, kept.Diagnosis, kept.Outcome, kept.SampleRate));
        Assert.Equal(second.Recorded, kept.Recorded);
        Assert.Equal([3, 0], kept.Clean);
        Assert.Equal([4, 0, 5, 0], kept.Corrupted);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.HealEvents.SaveWaveformsAsync(first with { Clean = new byte[4096] }, Ct));
    }
}
