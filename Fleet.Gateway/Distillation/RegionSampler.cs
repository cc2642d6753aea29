using Fleet.Gateway.Insights;

namespace Fleet.Gateway.Distillation;

/// <summary>Synthesises inputs: from the fleet's aggregated failing region, or uniformly from the normal operating range. Pure.</summary>
internal static class RegionSampler
{
    /// <summary>
    /// <paramref name="count"/> inputs drawn per feature from the region's median histogram (a bin by its share, then
    /// uniformly within it), so multi-modal failing regions keep their shape; features are drawn independently.
    /// </summary>
    public static float[] FromRegion(AggregatedRegion region, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(random);
        var features = region.Centroid.Length;
        var width = (region.HistogramMax - region.HistogramMin) / region.Histograms[0].Length;
        var inputs = new float[count * features];
        for (var i = 0; i < count; i++)
        {
            for (var f = 0; f < features; f++)
            {
                var histogram = region.Histograms[f];
                var bin = PickBin(histogram, random.NextDouble());
                inputs[(i * features) + f] = bin < 0
                    ? (float)(region.Centroid[f] + (region.StdDev[f] * Gaussian(random)))
                    : (float)(region.HistogramMin + ((bin + random.NextDouble()) * width));
            }
        }

        return inputs;
    }

    /// <summary><paramref name="count"/> inputs uniform in the box [<paramref name="min"/>, <paramref name="max"/>] (per feature).</summary>
    public static float[] Uniform(float[] min, float[] max, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(min);
        ArgumentNullException.ThrowIfNull(max);
        ArgumentNullException.ThrowIfNull(random);
        var features = min.Length;
        var inputs = new float[count * features];
        for (var i = 0; i < count; i++)
        {
            for (var f = 0; f < features; f++)
            {
                inputs[(i * features) + f] = min[f] + ((max[f] - min[f]) * (float)random.NextDouble());
            }
        }

        return inputs;
    }

    private static int PickBin(double[] histogram, double u)
    {
        var total = histogram.Sum();
        if (total <= 0)
        {
            return -1;
        }

        var cumulative = 0.0;
        for (var b = 0; b < histogram.Length; b++)
        {
            cumulative += histogram[b] / total;
            if (u < cumulative)
            {
                return b;
            }
        }

        return histogram.Length - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
