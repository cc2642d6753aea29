namespace Fleet.Gateway.Metrics;

/// <summary>A monotonically increasing count (a prometheus-net counter underneath; lock-free).</summary>
internal sealed class Counter(Prometheus.Counter inner)
{
    public long Value => (long)inner.Value;

    public void Increment(long by = 1) => inner.Inc(by);
}
