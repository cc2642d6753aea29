using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Gateway.Twins;

public sealed class TelemetryHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Latest_PastCapacity_KeepsTheNewestWindowsOldestFirst()
    {
        var history = new TelemetryHistory(capacity: 4);
        for (var i = 1; i <= 6; i++)
        {
            history.Add(Start.AddSeconds(i), new TelemetryMessage { Seq = i, Kl = i });
        }

        Assert.Equal(4, history.Count);
        Assert.Equal([3f, 4f, 5f, 6f], history.Latest(10).Select(p => p.Kl));
        Assert.Equal([5f, 6f], history.Latest(2).Select(p => p.Kl));
        Assert.Equal(Start.AddSeconds(6), history.Latest(1)[0].Time);
    }

    [Fact]
    public void Add_AbsentOrNonFiniteMetrics_ReadBackAsAbsentNeverZero()
    {
        var history = new TelemetryHistory();

        var point = history.Add(Start, new TelemetryMessage { Seq = 1, Kl = 0.25, LatencyP99Us = double.NaN, TemperatureC = null, InputShift = 0 });

        Assert.Equal(0.25f, MetricPoint.Value(point.Kl));
        Assert.Null(MetricPoint.Value(point.LatencyP99Us));
        Assert.Null(MetricPoint.Value(point.TemperatureC));
        Assert.Null(MetricPoint.Value(point.KlThreshold));
        Assert.Equal(0f, MetricPoint.Value(point.InputShift));
    }

    [Fact]
    public void Latest_OfAnEmptyHistory_IsEmpty() => Assert.Empty(new TelemetryHistory().Latest(60));

    [Fact]
    public unsafe void MetricPoint_IsThirtyTwoBytes() => Assert.Equal(32, sizeof(MetricPoint));
}
