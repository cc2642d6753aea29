namespace Fleet.Shared.Health;

/// <summary>Exact latency percentiles over the most recent N inferences.</summary>
/// <remarks>
/// Keeps the last <c>capacity</c> latencies in a ring; the first percentile query after a change copies them
/// into a reusable buffer and sorts (O(N log N), no allocation), later queries read the sorted copy, which is
/// cheap at the once-per-window rate it is asked.
/// Percentiles use the nearest-rank definition. Not thread-safe.
/// </remarks>
public sealed class LatencyTracker
{
    private readonly double[] _ring;
    private readonly double[] _scratch;
    private int _next;
    private int _count;
    private bool _sorted;

    /// <summary>Creates a tracker over the last <paramref name="capacity"/> samples.</summary>
    public LatencyTracker(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new double[capacity];
        _scratch = new double[capacity];
    }

    /// <summary>Samples in the window (at most the capacity).</summary>
    public int Count => _count;

    /// <summary>Median latency in microseconds; NaN when empty.</summary>
    public double P50Microseconds => Percentile(0.50);

    /// <summary>99th-percentile latency in microseconds; NaN when empty.</summary>
    public double P99Microseconds => Percentile(0.99);

    /// <summary>Records one latency.</summary>
    public void Record(TimeSpan latency) => RecordMicroseconds(latency.Ticks / (double)TimeSpan.TicksPerMicrosecond);

    /// <summary>Records one latency given in microseconds.</summary>
    public void RecordMicroseconds(double microseconds)
    {
        _ring[_next] = microseconds;
        _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        if (_count < _ring.Length)
        {
            _count++;
        }

        _sorted = false;
    }

    /// <summary>The nearest-rank <paramref name="quantile"/> (0–1] of the window in microseconds; NaN when empty.</summary>
    public double Percentile(double quantile)
    {
        if (!(quantile > 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must lie in (0, 1].");
        }

        if (_count == 0)
        {
            return double.NaN;
        }

        var window = _scratch.AsSpan(0, _count);
        if (!_sorted)
        {
            _ring.AsSpan(0, _count).CopyTo(window);
            window.Sort();
            _sorted = true;
        }

        return window[Math.Clamp((int)Math.Ceiling(quantile * _count) - 1, 0, _count - 1)];
    }

    /// <summary>Forgets every sample.</summary>
    public void Reset()
    {
        _next = 0;
        _count = 0;
        _sorted = false;
    }
}
