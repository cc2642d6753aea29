using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class HistogramTests
{
    [Fact]
    public void Add_CountsEachSampleInItsBin_AndClampsOutliersToTheOuterBins()
    {
        var h = Histogram.Uniform(0, 4, 4);
        h.Add([0f, 0.5f, 1f, 2.5f, 3.999f, 4f, -10f, 99f, float.NaN]);

        Assert.Equal(new long[] { 3, 1, 1, 3 }, h.Counts.ToArray());
        Assert.Equal(8, h.Total);
        Assert.Equal(1, h.NaNCount);
    }

    [Fact]
    public void Normalize_WithPseudoCount_SmoothsEmptyBinsAndSumsToOne()
    {
        var h = Histogram.Uniform(0, 2, 2);
        h.Add([0.5f, 0.5f, 0.5f]);
        var p = new double[2];

        h.Normalize(p, pseudoCount: 1);

        Assert.Equal(4.0 / 5, p[0], 12);
        Assert.Equal(1.0 / 5, p[1], 12);
    }

    [Fact]
    public void FromBaseline_MakesEqualMassBins()
    {
        var rng = new Random(1);
        var samples = Enumerable.Range(0, 10_000).Select(_ => (float)rng.NextDouble()).ToArray();

        var h = Histogram.FromBaseline(samples, 10);

        Assert.Equal(10, h.BinCount);
        Assert.All(h.Counts.ToArray(), c => Assert.InRange(c, 900, 1100));
        Assert.Equal(samples.Length, h.Total);
    }

    [Fact]
    public void Constructor_RejectsEdgesThatDoNotAscend() =>
        Assert.Throws<ArgumentException>(() => new Histogram([0f, 1f, 1f]));
}
