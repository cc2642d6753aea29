using Fleet.Gateway.Api.Events;
using Fleet.Gateway.Events;
using Fleet.Gateway.Twins;

namespace Fleet.Tests.Gateway.Api.Events;

public sealed class FleetEventFeedTests
{
    private static TwinChanged Change(int i) => new("dev-" + i, 0, "healthy", true, "1.0.0", false, null);

    [Fact]
    public void Publish_ToAFullSubscriber_DropsItsOldestEvents_AndNeverBlocks()
    {
        var feed = new FleetEventFeed(capacity: 4);
        using var slow = feed.Subscribe();

        for (var i = 0; i < 10; i++)
        {
            feed.Publish(Change(i));
        }

        var kept = new List<string>();
        while (slow.Reader.TryRead(out var change))
        {
            kept.Add(((TwinChanged)change).DeviceId);
        }

        Assert.Equal(["dev-6", "dev-7", "dev-8", "dev-9"], kept);
        Assert.Equal(6, slow.Dropped);
    }

    [Fact]
    public void Publish_ReachesEverySubscriber_AndNotOneThatLeft()
    {
        var feed = new FleetEventFeed();
        using var staying = feed.Subscribe();
        var leaving = feed.Subscribe();
        leaving.Dispose();

        feed.Publish(Change(1));

        Assert.Equal(1, feed.Subscribers);
        Assert.True(staying.Reader.TryRead(out _));
        Assert.False(leaving.Reader.TryRead(out _));
        Assert.True(leaving.Reader.Completion.IsCompleted);
    }
}
