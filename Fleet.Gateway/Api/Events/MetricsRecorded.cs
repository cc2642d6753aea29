using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Api.Events;

/// <summary>A device's twin recorded a telemetry window; only the views watching that device hear of it.</summary>
internal sealed record MetricsRecorded(string DeviceId, MetricPoint Point) : FleetEvent
{
    public override string Name => "metrics";

    public override string? WatchedDevice => DeviceId;
}
