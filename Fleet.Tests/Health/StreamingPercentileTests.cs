using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class StreamingPercentileTests
{
    public static TheoryData<string, double> Cases() => new()
    {
        { "uniform", 0.5 }, { "uniform", 0.9 }, { "uniform", 0.99 },
        { "normal", 0.5 }, { "normal", 0.9 }, { "normal", 0.99 },
        { "exponential", 0.5 }, { "exponential", 0.9 }, { "exponential", 0.99 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_TracksTheTrueQuantileOfKnownDistributions(string distribution, double quantile)
    {
        var rng = new Random(42);
        Func<double> draw = distribution switch
        {
            "uniform" => rng.NextDouble,
            "normal" => () => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()),
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
        var truth = samples[(int)Math.Ceiling(quantile * samples.Length) - 1];
        // Spread around the quantile: the distance between the (q-1%) and (q+1%) quantiles, at least 1% of the range.
        var spread = Math.Max(samples[Math.Min(samples.Length - 1, (int)((quantile + 0.01) * samples.Length))] - samples[(int)((quantile - 0.01) * samples.Length)], 0.01 * (samples[^1] - samples[0]));

        Assert.InRange(estimator.Value, truth - (2.5 * spread), truth + (2.5 * spread));
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
