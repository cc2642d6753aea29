namespace Fleet.Shared.Health;

/// <summary>Counts of samples in fixed bins, e.g. of a model output, compared against a baseline.</summary>
/// <remarks>
/// The bins are fixed when the histogram is made (from a baseline), so windows of the same model are
/// comparable. <c>edges</c> holds <c>BinCount + 1</c> ascending values; a sample below the first edge
/// counts in the first bin and one at or above the last edge in the last bin, so no sample is lost.
/// NaN samples are counted apart in <see cref="NaNCount"/>. <see cref="Add(ReadOnlySpan{float})"/>
/// allocates nothing. Not thread-safe.
/// </remarks>
public sealed class Histogram
{
    private readonly float[] _edges;
    private readonly long[] _counts;

    /// <summary>Creates a histogram over the bins between consecutive <paramref name="edges"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than two edges, or edges not strictly ascending and finite.</exception>
    public Histogram(ReadOnlySpan<float> edges)
    {
        if (edges.Length < 2)
        {
            throw new ArgumentException("A histogram needs at least two edges (one bin).", nameof(edges));
        }

        for (var i = 0; i < edges.Length; i++)
        {
            if (!float.IsFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
            {
                throw new ArgumentException($"Edges must be finite and strictly ascending (edge {i} = {edges[i]}).", nameof(edges));
            }
        }

        _edges = edges.ToArray();
        _counts = new long[edges.Length - 1];
    }

    /// <summary>Number of bins.</summary>
    public int BinCount => _counts.Length;

    /// <summary>The bin edges (<see cref="BinCount"/> + 1 values).</summary>
    public ReadOnlySpan<float> Edges => _edges;

    /// <summary>Samples counted per bin.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Samples counted in bins (NaN excluded).</summary>
    public long Total { get; private set; }

    /// <summary>NaN samples seen; they are not in any bin.</summary>
    public long NaNCount { get; private set; }

    /// <summary><paramref name="bins"/> equal-width bins from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Histogram Uniform(float min, float max, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(max, min);
        var edges = new float[bins + 1];
        for (var i = 0; i <= bins; i++)
        {
            edges[i] = min + ((max - min) * i / bins);
        }

        edges[bins] = max;
        return new Histogram(edges);
    }

    /// <summary>Bins holding about equal shares of a healthy <paramref name="baseline"/> (quantile edges).</summary>
    /// <remarks>
    /// Equal-mass bins keep every baseline probability well away from zero, which keeps KL divergence
    /// stable. Repeated quantiles (a baseline with many equal values) are merged, so the result may have
    /// fewer than <paramref name="bins"/> bins. The baseline's samples are then added to the histogram.
    /// </remarks>
    public static Histogram FromBaseline(ReadOnlySpan<float> baseline, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        var sorted = new List<float>(baseline.Length);
        foreach (var x in baseline)
        {
            if (float.IsFinite(x))
            {
                sorted.Add(x);
            }
        }

        if (sorted.Count < 2)
        {
            throw new ArgumentException("A baseline needs at least two finite samples.", nameof(baseline));
        }

        sorted.Sort();
        var edges = new List<float>(bins + 1) { sorted[0] };
        for (var i = 1; i < bins; i++)
        {
            var q = sorted[(int)((long)i * (sorted.Count - 1) / bins)];
            if (q > edges[^1])
            {
                edges.Add(q);
            }
        }

        var top = sorted[^1];
        edges.Add(top > edges[^1] ? top : MathF.BitIncrement(edges[^1]));
        var histogram = new Histogram(edges.ToArray());
        histogram.Add(baseline);
        return histogram;
    }

    /// <summary>Index of the bin <paramref name="value"/> falls in (clamped to the outer bins).</summary>
    public int BinOf(float value)
    {
        // Branch-free binary search over the inner edges (bin i holds [edges[i], edges[i+1])): the
        // conditional move avoids a mispredicted branch per level on noisy model outputs.
        var edges = _edges;
        var lo = 0;
        var n = _counts.Length;
        while (n > 1)
        {
            var half = n >> 1;
            lo = value >= edges[lo + half] ? lo + half : lo;
            n -= half;
        }

        return lo;
    }

    /// <summary>Counts one sample.</summary>
    public void Add(float value)
    {
        if (float.IsNaN(value))
        {
            NaNCount++;
            return;
        }

        _counts[BinOf(value)]++;
        Total++;
    }

    /// <summary>Counts every sample in <paramref name="values"/>.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            Add(v);
        }
    }

    /// <summary>Adds the counts of <paramref name="other"/>, which must have the same edges.</summary>
    public void Merge(Histogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other.Edges.SequenceEqual(Edges))
        {
            throw new ArgumentException("Histograms with different edges cannot be merged.", nameof(other));
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Total += other.Total;
        NaNCount += other.NaNCount;
    }

    /// <summary>Forgets every sample; the edges stay.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Total = 0;
        NaNCount = 0;
    }

    /// <summary>Writes the smoothed probability of each bin to <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="BinCount"/> values.</param>
    /// <param name="pseudoCount">
    /// Laplace (additive) smoothing: added to every bin's count, so no probability is zero and KL stays
    /// finite. 1 is classic Laplace smoothing; 0.5 (Jeffreys) is a gentler default for small windows.
    /// With 0 and no samples every bin gets an equal share.
    /// </param>
    public void Normalize(Span<double> destination, double pseudoCount = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, _counts.Length, nameof(destination));
        ArgumentOutOfRangeException.ThrowIfNegative(pseudoCount);
        var denominator = Total + (pseudoCount * _counts.Length);
        if (denominator <= 0)
        {
            destination[.._counts.Length].Fill(1.0 / _counts.Length);
            return;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            destination[i] = (_counts[i] + pseudoCount) / denominator;
        }
    }
}
