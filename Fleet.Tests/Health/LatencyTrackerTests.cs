using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class LatencyTrackerTests
{
    [Fact]
    public void Percentiles_AreNearestRankOverTheWindow()
    {
        var tracker = new LatencyTracker(capacity: 100);
        foreach (var i in Enumerable.Range(1, 100).Reverse())
        {
            tracker.RecordMicroseconds(i);
        }

        Assert.Equal(50, tracker.P50Microseconds);
        Assert.Equal(99, tracker.P99Microseconds);
        Assert.Equal(100, tracker.Percentile(1));
    }

    [Fact]
    public void Window_ForgetsTheOldestSamples()
    {
        var tracker = new LatencyTracker(capacity: 10);
        for (var i = 0; i < 10; i++)
        {
            tracker.Record(TimeSpan.FromMilliseconds(100));
        }

        for (var i = 0; i < 10; i++)
        {
            tracker.Record(TimeSpan.FromMicroseconds(200));
        }

        Assert.Equal(10, tracker.Count);
        Assert.Equal(200, tracker.P99Microseconds);
    }

    [Fact]
    public void Percentile_AfterNewSamples_SeesThem()
    {
        var tracker = new LatencyTracker(capacity: 10);
        tracker.RecordMicroseconds(5);
        Assert.Equal(5, tracker.P99Microseconds);

        tracker.RecordMicroseconds(50);
        Assert.Equal(50, tracker.P99Microseconds);

        tracker.Reset();
        tracker.RecordMicroseconds(7);
        Assert.Equal(7, tracker.P50Microseconds);
    }

    [Fact]
    public void Percentile_OfAnEmptyWindow_IsNaN() => Assert.True(double.IsNaN(new LatencyTracker().P50Microseconds));
}
