namespace Fleet.Gateway.Twins;

/// <summary>Asks a twin for its newest <paramref name="Points"/> telemetry windows, oldest first; answered with a <see cref="MetricPoint"/> array (empty when it has none).</summary>
internal sealed record GetMetricHistory(string DeviceId, int Points) : ITwinMessage;
