using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class ActivationStatsTests
{
    [Fact]
    public void Summary_MatchesTwoPassStatistics_AcrossManyBatches()
    {
        var rng = new Random(11);
        var stats = new ActivationStats();
        var all = new List<float>();
        for (var batch = 0; batch < 50; batch++)
        {
            var values = Enumerable.Range(0, 1 + rng.Next(300)).Select(_ => (float)(3 + (rng.NextDouble() * 4))).ToArray();
            stats.Add(values);
            all.AddRange(values);
        }

        var mean = all.Average(x => (double)x);
        var variance = all.Average(x => (x - mean) * (x - mean));
        var summary = stats.Summary();

        Assert.Equal(all.Count, summary.Count);
        Assert.Equal(mean, summary.Mean, 4);
        Assert.Equal(variance, summary.Variance, 3);
        Assert.Equal(all.Min(), summary.Min);
        Assert.Equal(all.Max(), summary.Max);
    }

    [Fact]
    public void AnomalyScore_IsLowForLikeActivations_AndHighForExplodingOnes()
    {
        var rng = new Random(12);
        float[] Draw(double scale) => Enumerable.Range(0, 4_096).Select(_ => (float)(rng.NextDouble() * scale)).ToArray();
        var baseline = new ActivationStats();
        baseline.Add(Draw(1));
        var healthy = new ActivationStats();
        healthy.Add(Draw(1));
        var exploding = new ActivationStats();
        exploding.Add(Draw(1));
        exploding.Add([1e4f]);

        Assert.InRange(healthy.Summary().AnomalyScore(baseline.Summary()), 0, 0.2);
        Assert.True(exploding.Summary().AnomalyScore(baseline.Summary()) > 1_000);
    }

    [Fact]
    public void AnomalyScore_OfNaNActivations_IsInfinite()
    {
        var baseline = new ActivationStats();
        baseline.Add([1f, 2f, 3f]);
        var broken = new ActivationStats();
        broken.Add([1f, float.NaN, 3f]);

        Assert.Equal(double.PositiveInfinity, broken.Summary().AnomalyScore(baseline.Summary()));
    }
}
