using System.Text;
using Fleet.Gateway.Store.Rejections;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task Rejections_ListNewestFirst_PagedAndFilteredByDeviceKindAndCause()
    {
        var appended = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            var device = i % 2 == 0 ? "pi-even" : "pi-odd";
            var kind = i % 3 == 0 ? "report" : "events";
            var cause = i == 6 ? RejectionCauses.StoreRefused : RejectionCauses.Protocol;
            var entry = await Store.Rejections.AppendAsync(new NewRejection(device, $"fleet/v1/s/1/{device}/{kind}", kind, cause, $"reason {i}", Encoding.UTF8.GetBytes($$"""{"i":{{i}}}""")), Ct);
            Assert.Equal(Clock.GetUtcNow(), entry.Received);
            appended.Add(entry.Id);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.Rejections.ListAsync(new RejectionQuery(), 3, null, Ct);
        var second = await Store.Rejections.ListAsync(new RejectionQuery(), 3, first.NextCursor, Ct);
        var third = await Store.Rejections.ListAsync(new RejectionQuery(), 3, second.NextCursor, Ct);
        appended.Reverse();
        Assert.Equal(appended, first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.Id));
        Assert.Null(third.NextCursor);

        var even = await Store.Rejections.ListAsync(new RejectionQuery(DeviceId: "pi-even"), 10, null, Ct);
        Assert.Equal(["reason 6", "reason 4", "reason 2", "reason 0"], even.Items.Select(e => e.Reason));
        var reports = await Store.Rejections.ListAsync(new RejectionQuery(Kind: "report"), 10, null, Ct);
        Assert.Equal(["reason 6", "reason 3", "reason 0"], reports.Items.Select(e => e.Reason));
        var refused = Assert.Single((await Store.Rejections.ListAsync(new RejectionQuery(Cause: RejectionCauses.StoreRefused), 10, null, Ct)).Items);
        Assert.Equal(("pi-even", "fleet/v1/s/1/pi-even/report", "report", """{"i":6}""", 7), (refused.DeviceId, refused.Topic, refused.Kind, Encoding.UTF8.GetString(refused.Excerpt), refused.Size));
    }

    [Fact]
    public async Task Rejections_Trim_KeepsTheNewest()
    {
        Assert.Equal(0, await Store.Rejections.TrimAsync(3, Ct));
        for (var i = 0; i < 5; i++)
        {
            await Store.Rejections.AppendAsync(new NewRejection("pi-1", "fleet/v1/s/1/pi-1/report", "report", RejectionCauses.Protocol, $"reason {i}", new byte[] { 1 }), Ct);
        }

        Assert.Equal(2, await Store.Rejections.TrimAsync(3, Ct));
        Assert.Equal(0, await Store.Rejections.TrimAsync(3, Ct));

        var kept = await Store.Rejections.ListAsync(new RejectionQuery(), 10, null, Ct);
        Assert.Equal(["reason 4", "reason 3", "reason 2"], kept.Items.Select(e => e.Reason));
    }

    [Fact]
    public async Task Rejections_KeepTheFirstBytesAndCleanWhatADeviceSent()
    {
        var payload = new byte[300 * 1024];
        payload.AsSpan().Fill((byte)'x');
        var big = await Store.Rejections.AppendAsync(new NewRejection("pi-1", "fleet/v1/s/1/pi-1/report", "report", RejectionCauses.Protocol, "payload over 262144 bytes", payload), Ct);
        var odd = await Store.Rejections.AppendAsync(new NewRejection(null, "weird/\u0001topic/" + new string('t', 2000), "unknown", RejectionCauses.Topic, "line one\nline two\0" + new string('r', 10_000), new byte[] { 0, 255, 1 }), Ct);

        var listed = (await Store.Rejections.ListAsync(new RejectionQuery(), 10, null, Ct)).Items;
        var storedBig = listed.Single(r => r.Id == big.Id);
        Assert.Equal(300 * 1024, storedBig.Size);
        Assert.Equal(RejectionLimits.ExcerptBytes, storedBig.Excerpt.Length);
        var storedOdd = listed.Single(r => r.Id == odd.Id);
        Assert.Null(storedOdd.DeviceId);
        Assert.Equal(new byte[] { 0, 255, 1 }, storedOdd.Excerpt);
        Assert.StartsWith("weird/ topic/", storedOdd.Topic, StringComparison.Ordinal);
        Assert.Equal(RejectionLimits.MaxTopicLength, storedOdd.Topic.Length);
        Assert.StartsWith("line one line two ", storedOdd.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(storedOdd.Reason, char.IsControl);
    }

    [Fact]
    public async Task Rejections_BadInput_ThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Rejections.AppendAsync(new NewRejection("pi-1", "t", "report", "gremlins", "r", Array.Empty<byte>()), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Rejections.AppendAsync(new NewRejection("pi-1", "", "report", RejectionCauses.Protocol, "r", Array.Empty<byte>()), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Rejections.AppendAsync(new NewRejection("pi-1", "t", "report", RejectionCauses.Protocol, " ", Array.Empty<byte>()), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Rejections.ListAsync(new RejectionQuery(), 0, null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Rejections.ListAsync(new RejectionQuery(), 10, "eA", Ct));
        Assert.Empty((await Store.Rejections.ListAsync(new RejectionQuery(), 10, null, Ct)).Items);
    }
}
