using System.Runtime.InteropServices;

namespace Fleet.Gateway.Twins;

/// <summary>
/// One telemetry window in a twin's history: 32 bytes, floats with NaN for a metric the device did not send
/// (absent is never 0).
/// </summary>
/// <param name="UnixMs">When the gateway received the window (Unix milliseconds, gateway clock).</param>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct MetricPoint(
    long UnixMs,
    float Kl,
    float KlThreshold,
    float InputShift,
    float LatencyP50Us,
    float LatencyP99Us,
    float TemperatureC)
{
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(UnixMs);

    /// <summary>A stored value back as a nullable (NaN is absent).</summary>
    public static float? Value(float stored) => float.IsNaN(stored) ? null : stored;

    /// <summary>A reported value as stored (absent, NaN or infinite become NaN).</summary>
    public static float Store(double? reported) => reported is { } v && double.IsFinite(v) ? (float)v : float.NaN;
}
