using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>The last <see cref="Capacity"/> telemetry windows of one device, oldest overwritten first.</summary>
/// <remarks>
/// A twin allocates it on its first telemetry message, so an idle twin carries none of it; once allocated it is one
/// array of <see cref="MetricPoint"/> (32 bytes each, ≈ 1.9 KB at the default capacity) and adding allocates nothing.
/// In memory only, like <see cref="TwinMetrics"/>: a restarted twin starts a new history.
/// </remarks>
internal sealed class TelemetryHistory
{
    /// <summary>Windows kept by default: at the demo's 5–10 s windows, the last 5–10 minutes.</summary>
    public const int DefaultCapacity = 60;

    private readonly MetricPoint[] _points;
    private int _next;
    private int _count;

    public TelemetryHistory(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _points = new MetricPoint[capacity];
    }

    public int Capacity => _points.Length;

    public int Count => _count;

    /// <summary>Records one window received at <paramref name="time"/>; returns the point as stored.</summary>
    public MetricPoint Add(DateTimeOffset time, TelemetryMessage telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        var point = new MetricPoint(
            time.ToUnixTimeMilliseconds(),
            MetricPoint.Store(telemetry.Kl),
            MetricPoint.Store(telemetry.KlThreshold),
            MetricPoint.Store(telemetry.InputShift),
            MetricPoint.Store(telemetry.LatencyP50Us),
            MetricPoint.Store(telemetry.LatencyP99Us),
            MetricPoint.Store(telemetry.TemperatureC));
        _points[_next] = point;
        _next = (_next + 1) % _points.Length;
        _count = Math.Min(_count + 1, _points.Length);
        return point;
    }

    /// <summary>The newest <paramref name="points"/> windows (at most <see cref="Count"/>), oldest first, as a copy.</summary>
    public MetricPoint[] Latest(int points)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        var take = Math.Min(points, _count);
        var result = new MetricPoint[take];
        var first = (_next - take + _points.Length) % _points.Length;
        for (var i = 0; i < take; i++)
        {
            result[i] = _points[(first + i) % _points.Length];
        }

        return result;
    }
}
