using Fleet.Gateway.Api.Events;
using Fleet.Gateway.Twins;
using Fleet.Gateway.Events;

namespace Fleet.Tests.Gateway.Api.Events;

public sealed class FleetEventFeedScopeTests
{
    private static readonly MetricPoint Point = new(0, 0.1f, 0.2f, float.NaN, 300, 400, float.NaN);

    [Fact]
    public void DeviceEvents_ReachOnlyTheSubscriptionsWatchingThatDevice_AndFleetEventsOnlyFleetSubscriptions()
    {
        var feed = new FleetEventFeed();
        using var fleet = feed.Subscribe();
        using var watchingA = feed.Subscribe("dev-a");
        using var watchingB = feed.Subscribe("dev-b");

        feed.Publish(new MetricsRecorded("dev-a", Point));
        feed.Publish(new WaveformsRecorded("dev-b", "h-1"));
        feed.Publish(new TwinChanged("dev-a", 0, "healthy", true, "1.0.0", false, null));

        Assert.Equal(["twin"], Drain(fleet));
        Assert.Equal(["metrics"], Drain(watchingA));
        Assert.Equal(["waveforms"], Drain(watchingB));
    }

    [Fact]
    public void Watches_IsTrueOnlyWhileASubscriptionWatchesTheDevice()
    {
        var feed = new FleetEventFeed();
        using var fleet = feed.Subscribe();
        Assert.False(feed.Watches("dev-a"));

        var watching = feed.Subscribe("dev-a");
        Assert.True(feed.Watches("dev-a"));
        Assert.False(feed.Watches("dev-b"));

        watching.Dispose();
        Assert.False(feed.Watches("dev-a"));
    }

    private static List<string> Drain(FleetEventFeed.Subscription subscription)
    {
        var names = new List<string>();
        while (subscription.Reader.TryRead(out var change))
        {
            names.Add(change.Name);
        }

        return names;
    }
}
