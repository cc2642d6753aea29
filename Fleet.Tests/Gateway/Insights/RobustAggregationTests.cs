using Fleet.Gateway.Insights;

namespace Fleet.Tests.Gateway.Insights;

public sealed class RobustAggregationTests
{
    private static readonly double[] Honest = [0.42, 0.45, 0.47, 0.5, 0.52, 0.55, 0.58];

    [Fact]
    public void Aggregate_WithPoisonedMinority_StaysWithinTheHonestRange()
    {
        var sketches = Honest.Select(c => Sketch(c, 0.1, bin: 9)).ToList();

        // Three liars (30 %) claim a far-away region with a huge spread, all in the first bin.
        sketches.AddRange(Enumerable.Range(0, 3).Select(_ => Sketch(1000, 500, bin: 0)));

        var region = RobustAggregation.Aggregate(sketches, trimFraction: 0.3)!;

        Assert.Equal(10, region.Devices);
        Assert.InRange(region.Centroid[0], Honest.Min(), Honest.Max());
        Assert.InRange(region.StdDev[0], 0.09, 0.11);
        Assert.True(region.Histograms[0][9] > 0.99, $"the honest bin holds {region.Histograms[0][9]}");

        // The plain mean, for contrast, is dragged far outside.
        var mean = sketches.Average(s => s.Centroid[0]);
        Assert.True(mean > 100, $"mean {mean}");
    }

    [Fact]
    public void Aggregate_SketchesOfAnotherShape_AreIgnoredNotMixed()
    {
        var sketches = Honest.Select(c => Sketch(c, 0.1, bin: 9)).ToList();
        sketches.Add(new RegionSketch(10, [5, 5], [1, 1], -1, 2, [new double[16], new double[16]]));

        var region = RobustAggregation.Aggregate(sketches, 0.2)!;

        Assert.Equal(Honest.Length, region.Devices);
        Assert.Equal(1, region.Ignored);
        Assert.Single(region.Centroid);
    }

    [Fact]
    public void Aggregate_NoSketches_IsNull() => Assert.Null(RobustAggregation.Aggregate([], 0.2));

    [Theory]
    [InlineData(new[] { 3.0, 1, 2 }, 2)]
    [InlineData(new[] { 4.0, 1, 3, 2 }, 2.5)]
    public void Median_OddAndEvenCounts(double[] values, double expected) => Assert.Equal(expected, RobustAggregation.Median(values));

    [Fact]
    public void TrimmedMean_DropsTheExtremesOnBothEnds() =>
        Assert.Equal(3, RobustAggregation.TrimmedMean([-1000, 2, 3, 4, 1000], 0.2));

    private static RegionSketch Sketch(double centroid, double stdDev, int bin)
    {
        var histogram = new double[16];
        histogram[bin] = 25;
        return new RegionSketch(25, [centroid], [stdDev], -1, 2, [histogram]);
    }
}
