using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Api.Devices;

/// <summary>One telemetry window as the API and the event stream show it; a metric the device did not send is null.</summary>
internal sealed record MetricPointView(
    DateTimeOffset Time,
    float? Kl,
    float? KlThreshold,
    float? InputShift,
    float? LatencyP50Us,
    float? LatencyP99Us,
    float? TemperatureC)
{
    public static MetricPointView Of(MetricPoint point) => new(
        point.Time,
        MetricPoint.Value(point.Kl),
        MetricPoint.Value(point.KlThreshold),
        MetricPoint.Value(point.InputShift),
        MetricPoint.Value(point.LatencyP50Us),
        MetricPoint.Value(point.LatencyP99Us),
        MetricPoint.Value(point.TemperatureC));
}
