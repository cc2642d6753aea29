using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class StreamingPercentileTests
{
    public static TheoryData<string, double> Cases()
    {
        var data = new TheoryData<string, double>();
        foreach (var distribution in new[] { "uniform", "normal", "exponential", "lognormal" })
        {
            foreach (var quantile in new[] { 0.5, 0.9, 0.99 })
            {
                data.Add(distribution, quantile);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_IsWithinHalfAPercentOfRankOfTheTrueQuantile(string distribution, double quantile)
    {
        var rng = new Random(42);
        Func<double> normal = () => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        Func<double> draw = distribution switch
        {
            "uniform" => rng.NextDouble,
            "normal" => normal,
            "lognormal" => () => Math.Exp(normal()),
            _ => () => -Math.Log(1 - rng.NextDouble()),
        };
        var estimator = new StreamingPercentile(quantile);
        var samples = new double[20_000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = draw();
            estimator.Add(samples[i]);
        }

        Array.Sort(samples);
        var rank = Array.BinarySearch(samples, estimator.Value);
        var fractionBelow = (double)(rank < 0 ? ~rank : rank) / samples.Length;

        Assert.InRange(fractionBelow, quantile - 0.005, quantile + 0.005);
    }

    [Fact]
    public void Value_BeforeFiveSamples_IsTheExactNearestRankPercentile()
    {
        var p = new StreamingPercentile(0.5);
        Assert.True(double.IsNaN(p.Value));
        p.Add(3);
        p.Add(1);
        p.Add(2);

        Assert.Equal(2, p.Value);
    }

    [Fact]
    public void DynamicThreshold_UsesInitialDuringWarmUp_ThenP99TimesMargin()
    {
        var threshold = new DynamicThreshold(new DynamicThresholdOptions(Percentile: 0.99, Margin: 2, Floor: 0.001, WarmUpCount: 100, InitialThreshold: 0.5));
        var rng = new Random(9);
        for (var i = 0; i < 99; i++)
        {
            threshold.Observe(rng.NextDouble() * 0.1);
        }

        Assert.False(threshold.IsWarm);
        Assert.Equal(0.5, threshold.Current);

        for (var i = 0; i < 5_000; i++)
        {
            threshold.Observe(rng.NextDouble() * 0.1);
        }

        Assert.True(threshold.IsWarm);
        Assert.InRange(threshold.Current, 0.19, 0.2);
    }

    [Fact]
    public void DynamicThreshold_DoesNotLearnFromExceedingValues_AndRespectsTheFloor()
    {
        var threshold = new DynamicThreshold(new DynamicThresholdOptions(Percentile: 0.99, Margin: 1.5, Floor: 0.05, WarmUpCount: 10, InitialThreshold: 0.1));
        for (var i = 0; i < 1_000; i++)
        {
            threshold.Observe(0.001);
        }

        Assert.Equal(0.05, threshold.Current);
        var learned = threshold.Observations;

        Assert.True(threshold.Observe(10));
        Assert.True(threshold.Observe(double.NaN));
        Assert.Equal(learned, threshold.Observations);
        Assert.Equal(0.05, threshold.Current);
    }

    [Fact]
    public void DynamicThresholdOptions_RejectsAMarginBelowOne() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicThresholdOptions(Margin: 0.9).Validate());
}
