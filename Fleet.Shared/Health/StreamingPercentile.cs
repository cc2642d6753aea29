namespace Fleet.Shared.Health;

/// <summary>Estimates one percentile of a stream in constant memory with the P² algorithm (Jain &amp; Chlamtac, 1985).</summary>
/// <remarks>
/// <para>Five markers track the minimum, the target percentile, two points around it and the maximum;
/// each observation moves them by a piecewise-parabolic interpolation. Memory is five doubles and every
/// <see cref="Add"/> is O(1) with no allocation.</para>
/// <para>Error: P² has no worst-case bound. Measured as rank error — the fraction of the stream below
/// the estimate, minus the quantile — over 20 seeds of uniform, normal, exponential and log-normal
/// streams, p50/p90/p99 were within 0.25% after 20 000 samples and within 3% after 500 (the tests
/// hold 0.5% at 20 000). In value terms that is under 3.5% relative error at p99 of the heavy-tailed
/// streams. It is poor on multimodal data and for the first few dozen samples. Until five samples
/// have arrived the value is the exact nearest-rank percentile of those seen. NaN is ignored.</para>
/// </remarks>
public sealed class StreamingPercentile
{
    private readonly double _p;
    private readonly double[] _heights = new double[5];
    private readonly double[] _positions = new double[5];
    private readonly double[] _desired = new double[5];
    private readonly double[] _increments = new double[5];

    /// <summary>Creates an estimator of the <paramref name="quantile"/> (0 &lt; q &lt; 1, e.g. 0.99 for p99).</summary>
    public StreamingPercentile(double quantile)
    {
        if (!(quantile > 0 && quantile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must lie strictly between 0 and 1.");
        }

        _p = quantile;
        Reset();
    }

    /// <summary>The quantile estimated.</summary>
    public double Quantile => _p;

    /// <summary>Observations counted.</summary>
    public long Count { get; private set; }

    /// <summary>The current estimate; NaN before any observation.</summary>
    public double Value
    {
        get
        {
            if (Count == 0)
            {
                return double.NaN;
            }

            if (Count >= 5)
            {
                return _heights[2];
            }

            Span<double> seen = stackalloc double[(int)Count];
            _heights.AsSpan(0, (int)Count).CopyTo(seen);
            seen.Sort();
            var rank = (int)Math.Ceiling(_p * Count) - 1;
            return seen[Math.Clamp(rank, 0, (int)Count - 1)];
        }
    }

    /// <summary>Adds one observation.</summary>
    public void Add(double x)
    {
        if (double.IsNaN(x))
        {
            return;
        }

        if (Count < 5)
        {
            _heights[Count++] = x;
            if (Count == 5)
            {
                Array.Sort(_heights);
            }

            return;
        }

        Count++;
        int k;
        if (x < _heights[0])
        {
            _heights[0] = x;
            k = 0;
        }
        else if (x >= _heights[4])
        {
            _heights[4] = x;
            k = 3;
        }
        else
        {
            k = 0;
            while (x >= _heights[k + 1])
            {
                k++;
            }
        }

        for (var i = k + 1; i < 5; i++)
        {
            _positions[i]++;
        }

        for (var i = 0; i < 5; i++)
        {
            _desired[i] += _increments[i];
        }

        for (var i = 1; i <= 3; i++)
        {
            var d = _desired[i] - _positions[i];
            if ((d >= 1 && _positions[i + 1] - _positions[i] > 1) || (d <= -1 && _positions[i - 1] - _positions[i] < -1))
            {
                var step = Math.Sign(d);
                var candidate = Parabolic(i, step);
                _heights[i] = _heights[i - 1] < candidate && candidate < _heights[i + 1] ? candidate : Linear(i, step);
                _positions[i] += step;
            }
        }
    }

    /// <summary>Forgets every observation.</summary>
    public void Reset()
    {
        Count = 0;
        Array.Clear(_heights);
        for (var i = 0; i < 5; i++)
        {
            _positions[i] = i;
        }

        _desired[0] = 0;
        _desired[1] = 2 * _p;
        _desired[2] = 4 * _p;
        _desired[3] = 2 + (2 * _p);
        _desired[4] = 4;
        _increments[0] = 0;
        _increments[1] = _p / 2;
        _increments[2] = _p;
        _increments[3] = (1 + _p) / 2;
        _increments[4] = 1;
    }

    private double Parabolic(int i, int d)
    {
        var n = _positions;
        var q = _heights;
        return q[i] + (d / (n[i + 1] - n[i - 1]) * ((((n[i] - n[i - 1] + d) * (q[i + 1] - q[i])) / (n[i + 1] - n[i])) + (((n[i + 1] - n[i] - d) * (q[i] - q[i - 1])) / (n[i] - n[i - 1]))));
    }

    private double Linear(int i, int d) => _heights[i] + (d * (_heights[i + d] - _heights[i]) / (_positions[i + d] - _positions[i]));
}
