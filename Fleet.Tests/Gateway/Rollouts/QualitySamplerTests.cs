using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Twins;

namespace Fleet.Tests.Gateway.Rollouts;

public sealed class QualitySamplerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static MetricPoint Point(int second, float kl, float latencyP99 = float.NaN) =>
        new(T0.AddSeconds(second).ToUnixTimeMilliseconds(), kl, 0.1f, 0f, float.NaN, latencyP99, float.NaN);

    private static DeviceQuality Device(params MetricPoint[] history) =>
        new("d-1", true, 1, "1.1.0", null, null, null, null) { History = history };

    [Fact]
    public void WindowMean_AveragesOnlyTheWindowsReceivedInsideTheWindow_SkippingAbsentValues()
    {
        // Windows before the soak (the device still ran the old version) must not dilute the candidate's KL.
        var device = Device(Point(0, 0.9f, 100), Point(10, 0.02f, 200), Point(20, 0.04f), Point(30, 0.06f, 400));

        Assert.Equal(0.04, QualitySampler.WindowMean(device, T0.AddSeconds(10), T0.AddSeconds(30), p => p.Kl)!.Value, 6);
        Assert.Equal(300, QualitySampler.WindowMean(device, T0.AddSeconds(10), T0.AddSeconds(30), p => p.LatencyP99Us)!.Value, 6);
    }

    [Fact]
    public void WindowMean_IsNullWithoutWindowsInside_SoTheSamplerFallsBackToTheRollingMean()
    {
        var device = Device(Point(0, 0.9f));

        Assert.Null(QualitySampler.WindowMean(device, T0.AddSeconds(1), T0.AddSeconds(30), p => p.Kl));
        Assert.Null(QualitySampler.WindowMean(Device(), T0, T0.AddSeconds(30), p => p.Kl));
    }
}
