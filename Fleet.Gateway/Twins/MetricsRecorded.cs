using Fleet.Gateway.Events;

namespace Fleet.Gateway.Twins;

/// <summary>A device's twin recorded a telemetry window; only the views watching that device hear of it.</summary>
internal sealed record MetricsRecorded(string DeviceId, MetricPoint Point) : FleetEvent
{
    public override string Name => "metrics";

    public override string? WatchedDevice => DeviceId;
}
