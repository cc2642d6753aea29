namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task AuditLog_ListsNewestFirst_PagedAndFilteredByTarget()
    {
        var appended = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            var entry = await Store.Audit.AppendAsync("ops-token", "rollout.pause", i % 2 == 0 ? "rollout/r-1" : "device/pi-1", $$"""{"i":{{i}}}""", Ct);
            Assert.Equal(Clock.GetUtcNow(), entry.Time);
            appended.Add(entry.Id);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.Audit.ListAsync(3, null, null, Ct);
        var second = await Store.Audit.ListAsync(3, first.NextCursor, null, Ct);
        var third = await Store.Audit.ListAsync(3, second.NextCursor, null, Ct);
        var forRollout = await Store.Audit.ListAsync(10, null, "rollout/r-1", Ct);

        appended.Reverse();
        Assert.Equal(appended, first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.Id));
        Assert.Null(third.NextCursor);
        Assert.Equal(["""{"i":6}""", """{"i":4}""", """{"i":2}""", """{"i":0}"""], forRollout.Items.Select(e => e.DetailsJson));
        Assert.All(forRollout.Items, e => Assert.Equal("ops-token", e.Actor));
    }

    [Fact]
    public async Task AuditLog_SchemaRefusesUpdatesAndDeletes()
    {
        await Store.Audit.AppendAsync("ops-token", "device.quarantine", "device/pi-1", "{}", Ct);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteRawAsync("UPDATE audit_log SET actor = 'someone-else'"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteRawAsync("DELETE FROM audit_log"));

        Assert.Equal("ops-token", Assert.Single((await Store.Audit.ListAsync(10, null, null, Ct)).Items).Actor);
    }

    [Fact]
    public async Task AuditLog_BadInput_ThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Audit.AppendAsync("", "a", "t", "{}", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Audit.AppendAsync("ops", "a", "t", "{", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Audit.ListAsync(10, "eA", null, Ct));
        Assert.Empty((await Store.Audit.ListAsync(10, null, null, Ct)).Items);
    }
}
