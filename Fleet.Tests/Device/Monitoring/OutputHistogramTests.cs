using Fleet.Device.Monitoring;
using Fleet.Shared.Models;

namespace Fleet.Tests.Device.Monitoring;

public sealed class OutputHistogramTests
{
    private static readonly BaselineHistogram Baseline = BaselineHistogram.Build("m", "audio", -1f, 1f, 64, []);

    private static long[] Counts(OutputHistogram histogram)
    {
        var counts = new long[histogram.Bins];
        histogram.CopyCounts(counts);
        return counts;
    }

    [Fact]
    public void Add_FramesOfAnyLength_CountsEveryValueInTheBaselinesBin()
    {
        var rng = new Random(5);
        // Bin centres, so the expected bin is unambiguous; 163 values exercise the vector body and the scalar tail.
        var values = Enumerable.Range(0, 163).Select(_ => -1f + ((rng.Next(64) + 0.5f) / 32f)).ToArray();
        var expected = new long[64];
        foreach (var v in values)
        {
            expected[Baseline.BinOf(v)]++;
        }

        var histogram = new OutputHistogram(Baseline);
        histogram.Add(values);
        histogram.Add(values.AsSpan(0, 5));
        foreach (var v in values.AsSpan(0, 5))
        {
            expected[Baseline.BinOf(v)]++;
        }

        Assert.Equal(expected, Counts(histogram));
    }

    [Fact]
    public void Add_NaNInfinitiesAndOutOfRange_LandInTheEdgeBins()
    {
        var histogram = new OutputHistogram(Baseline);
        float[] frame = [float.NaN, float.NegativeInfinity, -7f, -1.0001f, float.PositiveInfinity, 3e38f, 1f, 0.99999f, float.NaN];

        histogram.Add(frame);

        var counts = Counts(histogram);
        Assert.Equal(5, counts[0]);
        Assert.Equal(4, counts[63]);
        Assert.Equal(frame.Length, counts.Sum());
    }

    [Fact]
    public void Reset_StartsAnEmptyWindow()
    {
        var histogram = new OutputHistogram(Baseline);
        histogram.Add(new float[40]);

        histogram.Reset();

        Assert.Equal(0, histogram.CopyCounts(new long[64]));
    }
}
