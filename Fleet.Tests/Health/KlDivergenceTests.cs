using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class KlDivergenceTests
{
    [Fact]
    public void Compute_MatchesHandCalculatedValue()
    {
        // KL([.5,.5] ‖ [.9,.1]) = .5 ln(.5/.9) + .5 ln(.5/.1) = 0.5108256…
        Assert.Equal(0.5 * Math.Log(0.5 / 0.9) + 0.5 * Math.Log(5), KlDivergence.Compute([0.5, 0.5], [0.9, 0.1]), 12);
        Assert.Equal(0.510825623765991, KlDivergence.Compute([0.5, 0.5], [0.9, 0.1]), 12);
    }

    [Fact]
    public void Compute_OfIdenticalDistributions_IsZero() =>
        Assert.Equal(0, KlDivergence.Compute([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 15);

    [Fact]
    public void Compute_IsAsymmetric_AndSymmetricIsTheSumOfBothDirections()
    {
        double[] p = [0.1, 0.9], q = [0.6, 0.4];
        var forward = KlDivergence.Compute(p, q);
        var backward = KlDivergence.Compute(q, p);

        Assert.NotEqual(forward, backward, 6);
        Assert.Equal(forward + backward, KlDivergence.Symmetric(p, q), 12);
    }

    [Fact]
    public void Compute_WithZeroInBaselineWherePIsPositive_IsInfinite() =>
        Assert.Equal(double.PositiveInfinity, KlDivergence.Compute([0.5, 0.5], [1.0, 0.0]));

    [Fact]
    public void JensenShannon_OfDisjointDistributions_IsLn2() =>
        Assert.Equal(Math.Log(2), KlDivergence.JensenShannon([1.0, 0.0], [0.0, 1.0]), 12);

    [Fact]
    public void Compute_OnHistograms_SmoothsSoEmptyBinsStayFinite()
    {
        var baseline = Histogram.Uniform(0, 2, 2);
        baseline.Add([0.5f, 0.5f, 1.5f, 1.5f]);
        var observed = Histogram.Uniform(0, 2, 2);
        observed.Add([0.5f, 0.5f, 0.5f, 0.5f]);

        var kl = KlDivergence.Compute(observed, baseline, pseudoCount: 1);

        // p = [5/6, 1/6], q = [3/6, 3/6].
        Assert.Equal((5.0 / 6 * Math.Log(5.0 / 3)) + (1.0 / 6 * Math.Log(1.0 / 3)), kl, 12);
    }

    [Fact]
    public void Compute_OnShiftedOutput_IsLargerThanOnHealthyOutput()
    {
        var rng = new Random(7);
        float Normal(double mean) => (float)(mean + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var baseline = Histogram.FromBaseline(Enumerable.Range(0, 20_000).Select(_ => Normal(0)).ToArray(), 32);
        var healthy = new Histogram(baseline.Edges);
        var shifted = new Histogram(baseline.Edges);
        for (var i = 0; i < 2_000; i++)
        {
            healthy.Add(Normal(0));
            shifted.Add(Normal(1));
        }

        var healthyKl = KlDivergence.Compute(healthy, baseline);
        var shiftedKl = KlDivergence.Compute(shifted, baseline);

        Assert.InRange(healthyKl, 0, 0.05);
        Assert.InRange(shiftedKl, 0.3, 1.0);
    }
}
