namespace Fleet.Gateway.Insights;

/// <summary>
/// Coordinate-wise robust statistics over device sketches: a median or a trimmed mean per coordinate, so a minority of
/// broken or lying devices cannot drag the fleet's picture of a failing region wherever they like. Pure; no I/O.
/// </summary>
internal static class RobustAggregation
{
    /// <summary>The region the majority agrees on, or null when no sketch was given.</summary>
    public static AggregatedRegion? Aggregate(IReadOnlyList<RegionSketch> sketches, double trimFraction)
    {
        ArgumentNullException.ThrowIfNull(sketches);
        if (sketches.Count == 0)
        {
            return null;
        }

        // The shape most devices use wins; a sketch of another shape cannot be compared coordinate by coordinate.
        var shape = sketches
            .GroupBy(s => (s.Features, s.Bins, s.HistogramMin, s.HistogramMax))
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key.Features)
            .First();
        var voters = shape.ToList();
        var (features, bins, min, max) = shape.Key;
        var centroid = new double[features];
        var stdDev = new double[features];
        var histograms = new double[features][];
        var column = new double[voters.Count];
        for (var f = 0; f < features; f++)
        {
            for (var d = 0; d < voters.Count; d++)
            {
                column[d] = voters[d].Centroid[f];
            }

            centroid[f] = Median(column);
            for (var d = 0; d < voters.Count; d++)
            {
                column[d] = voters[d].StdDev[f];
            }

            stdDev[f] = TrimmedMean(column, trimFraction);
            histograms[f] = MedianHistogram(voters, f, bins, column);
        }

        var samples = (long)Median(voters.Select(v => (double)v.Samples).ToArray()) * voters.Count;
        return new AggregatedRegion(voters.Count, sketches.Count - voters.Count, samples, centroid, stdDev, min, max, histograms)
        {
            NoisyDevices = voters.Count(v => v.Noise is not null),
        };
    }

    /// <summary>The median (mean of the two middle values for an even count). Reorders a copy, not <paramref name="values"/>.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The mean after dropping <c>floor(n * trimFraction)</c> values from each end.</summary>
    public static double TrimmedMean(ReadOnlySpan<double> values, double trimFraction)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(trimFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trimFraction, 0.5);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var trim = (int)Math.Floor(sorted.Length * trimFraction);
        var kept = sorted.AsSpan(trim, sorted.Length - (2 * trim));
        var sum = 0.0;
        foreach (var value in kept)
        {
            sum += value;
        }

        return sum / kept.Length;
    }

    private static double[] MedianHistogram(List<RegionSketch> voters, int feature, int bins, double[] column)
    {
        var histogram = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            for (var d = 0; d < voters.Count; d++)
            {
                var counts = voters[d].Histograms[feature];
                var floor = NoiseFloor(voters[d].Noise);
                var total = counts.Sum(c => Math.Max(0, c - floor));
                column[d] = total > 0 ? Math.Max(0, counts[b] - floor) / total : 0;
            }

            histogram[b] = Median(column);
        }

        var sum = histogram.Sum();
        if (sum > 0)
        {
            for (var b = 0; b < bins; b++)
            {
                histogram[b] /= sum;
            }
        }

        return histogram;
    }

    /// <summary>
    /// What noise clamped at zero adds to an empty bin on average (Laplace b/2, Gaussian σ/√(2π)); subtracted from a noisy
    /// device's counts so empty bins do not fill up. The median over devices absorbs the rest of the noise.
    /// </summary>
    public static double NoiseFloor(Fleet.Shared.Protocol.InsightNoise? noise) => noise switch
    {
        { Mechanism: "laplace" } => noise.Scale / 2,
        { Mechanism: "gaussian" } => noise.Scale / Math.Sqrt(2 * Math.PI),
        _ => 0,
    };
}
