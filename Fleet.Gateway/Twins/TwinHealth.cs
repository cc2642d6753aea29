namespace Fleet.Gateway.Twins;

/// <summary>Rolling health from telemetry: last values and exponentially weighted means.</summary>
internal sealed record TwinHealth(string? Health, double? Kl, double? KlMean, double? KlThreshold, double? LatencyP99Us, double? LatencyP99UsMean, long? Heals, long TelemetryCount, double? TemperatureC = null);
